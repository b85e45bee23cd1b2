package store

import (
	"bufio"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// Environment is environment.json: what a reader needs to reproduce a run.
type Environment struct {
	GoVersion  string            `json:"go_version"`
	Module     string            `json:"module"`
	Modules    map[string]string `json:"modules"`
	GitCommit  string            `json:"git_commit"`
	GitDirty   bool              `json:"git_dirty"`
	CPU        string            `json:"cpu"`
	GOOS       string            `json:"goos"`
	GOARCH     string            `json:"goarch"`
	GOMAXPROCS int               `json:"gomaxprocs"`
	Workers    int               `json:"workers"`
	Start      string            `json:"start"`
}

// CaptureEnvironment describes this process and machine. The git commit
// comes from the binary's build info, or from `git` in the working folder
// run in folder dir (the spec's) when the binary was built without it (go
// run, or GOFLAGS=-buildvcs=false).
func CaptureEnvironment(dir string, workers int, start time.Time) Environment {
	e := Environment{
		GoVersion:  runtime.Version(),
		Modules:    map[string]string{},
		CPU:        cpuModel(),
		GOOS:       runtime.GOOS,
		GOARCH:     runtime.GOARCH,
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		Workers:    workers,
		Start:      start.UTC().Format(time.RFC3339),
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		e.Module = bi.Main.Path
		for _, d := range bi.Deps {
			e.Modules[d.Path] = d.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				e.GitCommit = s.Value
			case "vcs.modified":
				e.GitDirty = s.Value == "true"
			}
		}
	}
	if e.GitCommit == "" {
		if out, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output(); err == nil {
			e.GitCommit = strings.TrimSpace(string(out))
			if st, err := exec.Command("git", "-C", dir, "status", "--porcelain", "--untracked-files=no").Output(); err == nil {
				e.GitDirty = len(strings.TrimSpace(string(st))) > 0
			}
		}
	}
	return e
}

func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
