package export

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/study-harness/study/study/spec"
)

// Regenerate the golden files with: go test ./study/export -update
var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./study/export -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test ./study/export -update rewrites it); got:\n%s", path, got)
	}
}

func openTiny(t *testing.T) *Study {
	t.Helper()
	st, err := Open("testdata/tiny.yaml", 1000)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// odd is a study whose paths need quoting everywhere.
func odd(t *testing.T) *Study {
	st := openTiny(t)
	st.Path = "my specs/it's $HOME `x`.yaml"
	return st
}

func TestOpen(t *testing.T) {
	t.Run("a good spec gives its name and grid size", func(t *testing.T) {
		st := openTiny(t)
		if st.Name != "tiny" || st.Runs != 6 || st.Path != "testdata/tiny.yaml" || len(st.Source) == 0 {
			t.Errorf("got %+v", st)
		}
	})
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("name: x\nseed: 1\ndataset: {name: moons}\nepochz: 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("a bad spec fails with the spec's own error", func(t *testing.T) {
		_, err := Open(bad, 1000)
		var se *spec.Error
		if !errors.As(err, &se) {
			t.Fatalf("got %v, want a *spec.Error", err)
		}
	})
	t.Run("a missing spec fails as bad input naming the file", func(t *testing.T) {
		_, err := Open(filepath.Join(dir, "none.yaml"), 1000)
		var ee *Error
		if !errors.As(err, &ee) || !strings.Contains(err.Error(), "none.yaml") {
			t.Fatalf("got %v, want an *Error naming none.yaml", err)
		}
	})
	t.Run("a grid above the cap fails", func(t *testing.T) {
		if _, err := Open("testdata/tiny.yaml", 5); err == nil {
			t.Fatal("got no error for 6 runs with a cap of 5")
		}
	})
}

func TestWriteSlurm(t *testing.T) {
	for _, tc := range []struct {
		name, golden string
		study        func(*testing.T) *Study
		opts         SlurmOptions
	}{
		{"defaults give an unlimited array and the TERM signal", "slurm_default.golden", openTiny,
			SlurmOptions{Job: Job{Shards: 3}}},
		{"every option is written", "slurm_all.golden", openTiny,
			SlurmOptions{Job: Job{Shards: 6, Parallel: 2, Results: "/scratch/r", Command: "/opt/study/bin/study", Workers: 4},
				Partition: "gpu,cpu", Time: "1-02:00:00", CPUsPerTask: 4, Output: "logs/%x-%A_%a.out", SignalLead: 300}},
		{"paths with spaces, quotes and dollars are single-quoted", "slurm_quoted.golden", odd,
			SlurmOptions{Job: Job{Shards: 2, Results: "my results", Command: "$(rm -rf ~)"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteSlurm(&b, tc.study(t), tc.opts); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.golden, b.Bytes())
			if _, err := exec.LookPath("bash"); err == nil {
				if out, err := exec.Command("bash", "-n", "-c", b.String()).CombinedOutput(); err != nil {
					t.Errorf("bash -n: %v\n%s", err, out)
				}
			}
		})
	}
}

func TestWriteKubernetes(t *testing.T) {
	for _, tc := range []struct {
		name, golden string
		study        func(*testing.T) *Study
		opts         K8sOptions
	}{
		{"defaults run every shard at once on the study-results claim", "k8s_default.golden", openTiny,
			K8sOptions{Job: Job{Shards: 3}, Image: "study:v1"}},
		{"every option is written", "k8s_all.golden", openTiny,
			K8sOptions{Job: Job{Shards: 6, Parallel: 2, Results: "/data/out", Command: "/usr/local/bin/study", Workers: 3},
				Image: "registry.example.org:5000/lab/study@sha256:0123abcd", Name: "homog-1", Namespace: "ml",
				PVC: "shared-rwx", BackoffLimitPerIndex: 4, CPU: 2, Memory: "1536Mi", GracePeriod: 60}},
		{"odd characters stay inside YAML strings", "k8s_quoted.golden", odd,
			K8sOptions{Job: Job{Shards: 2, Command: "study: {x} #y"}, Image: "study:v1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := tc.study(t)
			var b bytes.Buffer
			if err := WriteKubernetes(&b, st, tc.opts); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.golden, b.Bytes())
			checkK8s(t, b.Bytes(), st, tc.opts)
		})
	}
}

// checkK8s decodes the two documents back and checks what a cluster
// would see: the spec bytes intact, the command intact, the shard index.
func checkK8s(t *testing.T, out []byte, st *Study, o K8sOptions) {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(out))
	var cm struct {
		Kind string            `yaml:"kind"`
		Data map[string]string `yaml:"data"`
	}
	var job struct {
		Kind string `yaml:"kind"`
		Spec struct {
			CompletionMode       string `yaml:"completionMode"`
			Completions          int    `yaml:"completions"`
			BackoffLimitPerIndex *int   `yaml:"backoffLimitPerIndex"`
			Template             struct {
				Spec struct {
					RestartPolicy string `yaml:"restartPolicy"`
					Containers    []struct {
						Command []string `yaml:"command"`
						Args    []string `yaml:"args"`
					} `yaml:"containers"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	if err := dec.Decode(&cm); err != nil {
		t.Fatalf("ConfigMap: %v", err)
	}
	if err := dec.Decode(&job); err != nil {
		t.Fatalf("Job: %v", err)
	}
	if cm.Kind != "ConfigMap" || job.Kind != "Job" {
		t.Fatalf("kinds %q, %q", cm.Kind, job.Kind)
	}
	if len(cm.Data) != 1 {
		t.Fatalf("ConfigMap holds %d files, want 1", len(cm.Data))
	}
	for _, v := range cm.Data {
		if v != string(st.Source) {
			t.Errorf("the spec in the ConfigMap differs from the file")
		}
	}
	s := job.Spec
	if s.CompletionMode != "Indexed" || s.Completions != o.Shards || s.BackoffLimitPerIndex == nil ||
		s.Template.Spec.RestartPolicy != "Never" || len(s.Template.Spec.Containers) != 1 {
		t.Fatalf("job spec %+v", s)
	}
	c := s.Template.Spec.Containers[0]
	want := o.Command
	if want == "" {
		want = DefaultCommand
	}
	if len(c.Command) != 1 || c.Command[0] != want {
		t.Errorf("command %q, want [%q]", c.Command, want)
	}
	args := strings.Join(c.Args, " ")
	if !strings.Contains(args, "--shard $(JOB_COMPLETION_INDEX)/") {
		t.Errorf("args %q do not take the shard from JOB_COMPLETION_INDEX", args)
	}
}

func TestBadOptions(t *testing.T) {
	st := openTiny(t)
	slurm := []struct {
		name, field string
		o           SlurmOptions
	}{
		{"zero shards are refused", "shards", SlurmOptions{}},
		{"more shards than runs are refused", "shards", SlurmOptions{Job: Job{Shards: 7}}},
		{"a negative parallel limit is refused", "parallel", SlurmOptions{Job: Job{Shards: 2, Parallel: -1}}},
		{"a partition with a space is refused", "partition", SlurmOptions{Job: Job{Shards: 2}, Partition: "a b"}},
		{"a partition with a newline is refused", "partition", SlurmOptions{Job: Job{Shards: 2}, Partition: "a\n#SBATCH --x"}},
		{"a time that is not a duration is refused", "time", SlurmOptions{Job: Job{Shards: 2}, Time: "1h"}},
		{"an output pattern with a space is refused", "output", SlurmOptions{Job: Job{Shards: 2}, Output: "a b.out"}},
		{"negative CPUs are refused", "cpus-per-task", SlurmOptions{Job: Job{Shards: 2}, CPUsPerTask: -2}},
		{"a results path with a newline is refused", "results", SlurmOptions{Job: Job{Shards: 2, Results: "r\nrm -rf /"}}},
		{"a command that looks like a flag is refused", "study", SlurmOptions{Job: Job{Shards: 2, Command: "-x"}}},
	}
	for _, tc := range slurm {
		t.Run("slurm: "+tc.name, func(t *testing.T) {
			var b bytes.Buffer
			checkErr(t, WriteSlurm(&b, st, tc.o), tc.field)
			if b.Len() != 0 {
				t.Errorf("wrote %d bytes before failing", b.Len())
			}
		})
	}
	k8s := []struct {
		name, field string
		o           K8sOptions
	}{
		{"a missing image is refused", "image", K8sOptions{Job: Job{Shards: 2}}},
		{"an image with a space is refused", "image", K8sOptions{Job: Job{Shards: 2}, Image: "a b"}},
		{"an upper-case name is refused", "name", K8sOptions{Job: Job{Shards: 2}, Image: "s", Name: "Study"}},
		{"a long name is refused", "name", K8sOptions{Job: Job{Shards: 2}, Image: "s", Name: strings.Repeat("a", 53)}},
		{"a bad claim name is refused", "pvc", K8sOptions{Job: Job{Shards: 2}, Image: "s", PVC: "x/y"}},
		{"a bad namespace is refused", "namespace", K8sOptions{Job: Job{Shards: 2}, Image: "s", Namespace: "A"}},
		{"a relative mount path is refused", "results", K8sOptions{Job: Job{Shards: 2, Results: "res"}, Image: "s"}},
		{"a bad memory quantity is refused", "memory", K8sOptions{Job: Job{Shards: 2}, Image: "s", Memory: "2 GB"}},
		{"a negative retry limit is refused", "backoff-limit-per-index", K8sOptions{Job: Job{Shards: 2}, Image: "s", BackoffLimitPerIndex: -1}},
		{"zero shards are refused", "shards", K8sOptions{Image: "s"}},
	}
	for _, tc := range k8s {
		t.Run("k8s: "+tc.name, func(t *testing.T) {
			var b bytes.Buffer
			checkErr(t, WriteKubernetes(&b, st, tc.o), tc.field)
			if b.Len() != 0 {
				t.Errorf("wrote %d bytes before failing", b.Len())
			}
		})
	}
}

func checkErr(t *testing.T, err error, field string) {
	t.Helper()
	var ee *Error
	if !errors.As(err, &ee) {
		t.Fatalf("got %v, want an *Error", err)
	}
	if ee.Field != field {
		t.Errorf("error %q names field %q, want %q", err, ee.Field, field)
	}
}

func TestShellQuote(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	for _, s := range []string{"plain", "", "two words", "it's", `"dq"`, "$HOME", "`id`", "a\\b", "*", "~", "--flag", "é ü", "x;y|z&", "'", "''"} {
		t.Run("the shell reads back "+strconv.Quote(s), func(t *testing.T) {
			out, err := exec.Command(sh, "-c", "printf '%s' "+shellQuote(s)).Output()
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != s {
				t.Errorf("got %q", out)
			}
		})
	}
}

func TestDNSName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"study-quick", "study-quick"},
		{"study-My_Study.v2", "study-my-study-v2"},
		{"study-" + strings.Repeat("x", 80), "study-" + strings.Repeat("x", 46)},
		{"---", "study"},
	} {
		t.Run(tc.in+" becomes "+tc.want, func(t *testing.T) {
			if got := dnsName(tc.in); got != tc.want || !dnsLabelRE().MatchString(got) {
				t.Errorf("got %q", got)
			}
		})
	}
}
