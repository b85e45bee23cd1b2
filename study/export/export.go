package export

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"sync"

	"github.com/study-harness/study/study/runs"
	"github.com/study-harness/study/study/spec"
)

// Study is a validated spec, ready to be exported.
type Study struct {
	Path string // the spec file as given; the jobs read it from there
	Name string // the spec's name, which names the results folder
	Runs int    // size of the expanded grid
	// Source is the spec file's bytes, exactly as read; the Kubernetes
	// export ships them in a ConfigMap.
	Source []byte
}

// Open loads and validates the spec at path as `study validate` does: it
// expands the grid against maxRuns, loads the dataset and checks every
// recipe against it (runs.NewPlan), so that a spec which every task would
// refuse fails before any job is written. Its errors are the spec's own
// *spec.Error, an *Error, or the plan's errors, as `study validate`
// returns them.
func Open(path string, maxRuns int) (*Study, error) {
	s, err := spec.LoadMax(path, maxRuns)
	if err != nil {
		var se *spec.Error
		if errors.As(err, &se) {
			return nil, err
		}
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			return nil, &Error{Field: "SPEC", Msg: "cannot read the spec", Err: err}
		}
		return nil, err
	}
	p, err := runs.NewPlan(s, "", maxRuns)
	if err != nil {
		return nil, err
	}
	return &Study{Path: path, Name: s.Name, Runs: len(p.Runs), Source: s.Source}, nil
}

// Job holds the settings shared by every engine.
type Job struct {
	Shards   int    // tasks, one shard of the grid each; at least 1
	Parallel int    // tasks running at once; 0 means no limit
	Results  string // parent of the results folder, as the tasks see it; default "results"
	Command  string // the study executable, as the tasks see it; default "study"
	Workers  int    // --workers of each task; 0 means one per CPU given to it
}

// Defaults for Job fields left empty.
const (
	DefaultResults = "results"
	DefaultCommand = "study"
)

func (j *Job) check(st *Study) error {
	if st == nil {
		return &Error{Field: "SPEC", Msg: "no study"}
	}
	if j.Shards < 1 {
		return &Error{Field: "shards", Msg: fmt.Sprintf("%d: want at least 1", j.Shards)}
	}
	if j.Shards > st.Runs {
		return &Error{Field: "shards", Msg: fmt.Sprintf("%d shards for a grid of %d runs would leave shards with nothing to do", j.Shards, st.Runs)}
	}
	if j.Parallel < 0 {
		return &Error{Field: "parallel", Msg: fmt.Sprintf("%d: want 0 (no limit) or more", j.Parallel)}
	}
	if j.Workers < 0 {
		return &Error{Field: "workers", Msg: fmt.Sprintf("%d: want 0 (one per CPU) or more", j.Workers)}
	}
	for _, f := range []struct{ name, v string }{{"SPEC", st.Path}, {"results", j.Results}, {"study", j.Command}} {
		if err := checkPath(f.name, f.v); err != nil {
			return err
		}
	}
	return nil
}

func (j *Job) results() string {
	if j.Results == "" {
		return DefaultResults
	}
	return j.Results
}

func (j *Job) command() string {
	if j.Command == "" {
		return DefaultCommand
	}
	return j.Command
}

// Error is a bad export setting. Field names the flag or argument.
type Error struct {
	Field string
	Msg   string
	Err   error // underlying error, if any
}

// Error formats e as "export: field: msg[: err]".
func (e *Error) Error() string {
	s := "export: " + e.Field + ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// BadInput marks the error as the user's: study exits 2.
func (e *Error) BadInput() {}

// checkPath refuses paths that no engine could pass on intact: empty
// (where a value is needed), or holding control characters, which would
// end a line of the script.
func checkPath(field, v string) error {
	if field == "SPEC" && v == "" {
		return &Error{Field: field, Msg: "empty path"}
	}
	if strings.HasPrefix(v, "-") {
		return &Error{Field: field, Msg: fmt.Sprintf("%q: would be read as a flag; write ./%s", v, v)}
	}
	for i, r := range v {
		if r < 0x20 || r == 0x7f {
			return &Error{Field: field, Msg: fmt.Sprintf("%q: control character at byte %d", v, i)}
		}
	}
	return nil
}

// checkWord refuses v unless it is empty or matches re, described by what.
func checkWord(field, v string, re *regexp.Regexp, what string) error {
	if v == "" || re.MatchString(v) {
		return nil
	}
	return &Error{Field: field, Msg: fmt.Sprintf("%q: want %s", v, what)}
}

// shellQuote quotes s for a POSIX shell: unchanged when made only of
// characters no shell treats specially, else single-quoted with each
// embedded ' written as '\”.
func shellQuote(s string) string {
	if s != "" && safeShell().MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

var safeShell = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_./:=@%+,-]+$`) })
