package export

import (
	"bytes"
	"fmt"
	"io"
	"path"
	"regexp"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// K8sOptions are the settings of a Kubernetes Indexed Job.
type K8sOptions struct {
	// Job's Results is the folder inside the container where the volume
	// claim is mounted (default "/results"); Command is the study
	// executable in the image (default "study"); Parallel 0 runs every
	// shard at once.
	Job
	Image     string // container image holding the study binary; required
	Name      string // Job name; default "study-" + the spec name, made DNS-safe
	Namespace string // empty leaves it to kubectl's context
	PVC       string // claim of the shared results volume (ReadWriteMany when pods spread over nodes); default "study-results"
	// BackoffLimitPerIndex is how many times one shard is retried after
	// its pod fails; the other shards are not affected.
	BackoffLimitPerIndex int
	CPU                  int    // CPUs requested per pod; 0 requests none
	Memory               string // memory requested per pod, e.g. "2Gi"; empty requests none
	// GracePeriod is how many seconds a pod has after SIGTERM to stop
	// cleanly; default 120.
	GracePeriod int
}

// Defaults of K8sOptions fields left empty.
const (
	DefaultK8sResults = "/results"
	DefaultPVC        = "study-results"
)

var (
	dnsLabelRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`) })
	imageRE    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/:@+-]*$`) })
	quantityRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$`)
	})
	notDNSRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^a-z0-9-]+`) })
)

// specMount is where the ConfigMap holding the spec is mounted.
const specMount = "/spec"

// WriteKubernetes writes two YAML documents: a ConfigMap holding the spec
// file exactly as given, and an Indexed Job (completionMode: Indexed) with
// one completion per shard. Each pod runs
// `study run /spec/<file> --shard $(JOB_COMPLETION_INDEX)/N` into the
// claimed volume; Kubernetes sets JOB_COMPLETION_INDEX in every pod of an
// Indexed Job and expands $(…) in container arguments. A spec whose
// dataset reads a csv file by relative path needs that file in the image or
// on the volume, with the path adjusted.
func WriteKubernetes(w io.Writer, st *Study, o K8sOptions) error {
	if o.Results == "" {
		o.Results = DefaultK8sResults
	}
	if err := o.check(st); err != nil {
		return err
	}
	if !path.IsAbs(o.Results) {
		return &Error{Field: "results", Msg: fmt.Sprintf("%q: want an absolute path inside the container", o.Results)}
	}
	if o.Image == "" {
		return &Error{Field: "image", Msg: "required: the container image that holds the study binary"}
	}
	if err := checkWord("image", o.Image, imageRE(), "an image reference such as registry/study:v1"); err != nil {
		return err
	}
	name := o.Name
	if name == "" {
		name = dnsName("study-" + st.Name)
	}
	// Pod host names are <job>-<index>, so leave room for the index.
	if len(name) > 52 || !dnsLabelRE().MatchString(name) {
		return &Error{Field: "name", Msg: fmt.Sprintf("%q: want at most 52 lower-case letters, digits and -, starting and ending alphanumeric", name)}
	}
	if err := checkWord("namespace", o.Namespace, dnsLabelRE(), "a DNS label (lower-case letters, digits and -)"); err != nil {
		return err
	}
	pvc := o.PVC
	if pvc == "" {
		pvc = DefaultPVC
	}
	if err := checkWord("pvc", pvc, dnsLabelRE(), "a DNS label (lower-case letters, digits and -)"); err != nil {
		return err
	}
	if o.BackoffLimitPerIndex < 0 {
		return &Error{Field: "backoff-limit-per-index", Msg: fmt.Sprintf("%d: want 0 or more", o.BackoffLimitPerIndex)}
	}
	if o.CPU < 0 {
		return &Error{Field: "cpus", Msg: fmt.Sprintf("%d: want 0 (no request) or more", o.CPU)}
	}
	if err := checkWord("memory", o.Memory, quantityRE(), "a quantity such as 2Gi or 512Mi"); err != nil {
		return err
	}
	if o.GracePeriod < 0 {
		return &Error{Field: "grace-period", Msg: fmt.Sprintf("%d seconds: want 0 (the default) or more", o.GracePeriod)}
	}
	grace := o.GracePeriod
	if grace == 0 {
		grace = 120
	}
	parallel := o.Parallel
	if parallel == 0 {
		parallel = o.Shards
	}
	specFile := path.Base(strings.ReplaceAll(st.Path, `\`, "/"))
	if !dnsKeyRE().MatchString(specFile) {
		specFile = "spec.yaml"
	}

	args := []string{"run", specMount + "/" + specFile,
		"--shard", fmt.Sprintf("$(JOB_COMPLETION_INDEX)/%d", o.Shards),
		"--results", o.Results}
	workers := o.Workers
	if workers == 0 {
		workers = o.CPU
	}
	if workers > 0 {
		args = append(args, "--workers", fmt.Sprint(workers))
	}
	var res *k8sResources
	if o.CPU > 0 || o.Memory != "" {
		res = &k8sResources{Requests: map[string]string{}}
		if o.CPU > 0 {
			res.Requests["cpu"] = fmt.Sprint(o.CPU)
		}
		if o.Memory != "" {
			res.Requests["memory"] = o.Memory
		}
	}
	labels := map[string]string{"app.kubernetes.io/name": "study", "study/spec": dnsName(st.Name)}
	cm := k8sConfigMap{
		APIVersion: "v1",
		Kind:       "ConfigMap",
		Metadata:   k8sMeta{Name: name + "-spec", Namespace: o.Namespace, Labels: labels},
		Data:       map[string]string{specFile: string(st.Source)},
	}
	job := k8sJob{
		APIVersion: "batch/v1",
		Kind:       "Job",
		Metadata:   k8sMeta{Name: name, Namespace: o.Namespace, Labels: labels},
		Spec: k8sJobSpec{
			CompletionMode:       "Indexed",
			Completions:          o.Shards,
			Parallelism:          parallel,
			BackoffLimitPerIndex: o.BackoffLimitPerIndex,
			Template: k8sPodTemplate{
				Metadata: k8sMeta{Labels: labels},
				Spec: k8sPodSpec{
					RestartPolicy:                 "Never",
					TerminationGracePeriodSeconds: grace,
					Containers: []k8sContainer{{
						Name:      "study",
						Image:     o.Image,
						Command:   []string{o.command()},
						Args:      args,
						Resources: res,
						VolumeMounts: []k8sMount{
							{Name: "spec", MountPath: specMount, ReadOnly: true},
							{Name: "results", MountPath: o.Results},
						},
					}},
					Volumes: []k8sVolume{
						{Name: "spec", ConfigMap: &k8sNameRef{Name: name + "-spec"}},
						{Name: "results", PersistentVolumeClaim: &k8sClaimRef{ClaimName: pvc}},
					},
				},
			},
		},
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# Generated by `study export k8s`: the study %q (%d runs) as %d shards.\n", st.Name, st.Runs, o.Shards)
	fmt.Fprintf(&buf, "# Needs Kubernetes 1.29 or later (backoffLimitPerIndex) and the claim %q\n", pvc)
	fmt.Fprintf(&buf, "# (ReadWriteMany if pods may land on different nodes).\n")
	fmt.Fprintf(&buf, "#   kubectl apply -f THIS_FILE\n")
	fmt.Fprintf(&buf, "#   kubectl wait --for=condition=complete job/%s --timeout=24h\n", name)
	fmt.Fprintf(&buf, "# then, with the volume mounted: study merge %s\n", shellQuote(path.Join(o.Results, st.Name)))
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&cm); err != nil {
		return fmt.Errorf("export: encode ConfigMap: %w", err)
	}
	if err := enc.Encode(&job); err != nil {
		return fmt.Errorf("export: encode Job: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("export: encode: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// dnsKeyRE is the alphabet of a ConfigMap key.
var dnsKeyRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[-._a-zA-Z0-9]+$`) })

// dnsName turns s into a DNS label: lower case, runs of other characters
// as one '-', trimmed to 52 characters.
func dnsName(s string) string {
	s = notDNSRE().ReplaceAllString(strings.ToLower(s), "-")
	if len(s) > 52 {
		s = s[:52]
	}
	s = strings.Trim(s, "-")
	if s == "" {
		return "study"
	}
	return s
}

// The Kubernetes objects, as much of them as the export writes, in the
// field order kubectl users expect.
type (
	k8sMeta struct {
		Name      string            `yaml:"name,omitempty"`
		Namespace string            `yaml:"namespace,omitempty"`
		Labels    map[string]string `yaml:"labels,omitempty"`
	}
	k8sConfigMap struct {
		APIVersion string            `yaml:"apiVersion"`
		Kind       string            `yaml:"kind"`
		Metadata   k8sMeta           `yaml:"metadata"`
		Data       map[string]string `yaml:"data"`
	}
	k8sJob struct {
		APIVersion string     `yaml:"apiVersion"`
		Kind       string     `yaml:"kind"`
		Metadata   k8sMeta    `yaml:"metadata"`
		Spec       k8sJobSpec `yaml:"spec"`
	}
	k8sJobSpec struct {
		CompletionMode       string         `yaml:"completionMode"`
		Completions          int            `yaml:"completions"`
		Parallelism          int            `yaml:"parallelism"`
		BackoffLimitPerIndex int            `yaml:"backoffLimitPerIndex"`
		Template             k8sPodTemplate `yaml:"template"`
	}
	k8sPodTemplate struct {
		Metadata k8sMeta    `yaml:"metadata"`
		Spec     k8sPodSpec `yaml:"spec"`
	}
	k8sPodSpec struct {
		RestartPolicy                 string         `yaml:"restartPolicy"`
		TerminationGracePeriodSeconds int            `yaml:"terminationGracePeriodSeconds"`
		Containers                    []k8sContainer `yaml:"containers"`
		Volumes                       []k8sVolume    `yaml:"volumes"`
	}
	k8sContainer struct {
		Name         string        `yaml:"name"`
		Image        string        `yaml:"image"`
		Command      []string      `yaml:"command"`
		Args         []string      `yaml:"args"`
		Resources    *k8sResources `yaml:"resources,omitempty"`
		VolumeMounts []k8sMount    `yaml:"volumeMounts"`
	}
	k8sResources struct {
		Requests map[string]string `yaml:"requests,omitempty"`
	}
	k8sMount struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
		ReadOnly  bool   `yaml:"readOnly,omitempty"`
	}
	k8sVolume struct {
		Name                  string       `yaml:"name"`
		ConfigMap             *k8sNameRef  `yaml:"configMap,omitempty"`
		PersistentVolumeClaim *k8sClaimRef `yaml:"persistentVolumeClaim,omitempty"`
	}
	k8sNameRef struct {
		Name string `yaml:"name"`
	}
	k8sClaimRef struct {
		ClaimName string `yaml:"claimName"`
	}
)
