package main

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCSVNamesStayInsideFiles analyzes predictions whose model and
// instance names look like paths and markup: everything is written inside
// --out, and the report shows the names escaped.
func TestCSVNamesStayInsideFiles(t *testing.T) {
	tmp := t.TempDir()
	models := []string{"../../evil", "/tmp/study-evil-abs", "<script>alert(1)</script>", `"quoted", & more`}
	var b strings.Builder
	b.WriteString(predHeader)
	for _, m := range models {
		q := `"` + strings.ReplaceAll(m, `"`, `""`) + `"`
		b.WriteString(q + ",../inst0,0,0,0.9,0.1\n")
		b.WriteString(q + ",/etc/passwd,1,1,0.2,0.8\n")
	}
	writeFile(t, tmp, "in/pred.csv", b.String())
	mustRun(t, tmp, "analyze", "in/pred.csv", "--out", "in/out")

	filepath.WalkDir(tmp, func(path string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(tmp, path)
		if err == nil && rel != "." && rel != "in" && rel != "in/pred.csv" && !strings.HasPrefix(rel, "in/out") {
			t.Errorf("analyze wrote %s, outside --out", rel)
		}
		return nil
	})
	if exists("/tmp/study-evil-abs") {
		t.Errorf("analyze wrote /tmp/study-evil-abs")
	}
	html, err := os.ReadFile(filepath.Join(tmp, "in", "out", "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(html, []byte("<script>alert(1)</script>")) {
		t.Errorf("report.html holds a model name's <script> unescaped")
	}
	if !bytes.Contains(html, []byte("alert(1)")) {
		t.Errorf("report.html does not show the model name at all")
	}
}

// netImports are the standard packages through which a program talks to
// the network.
var netImports = map[string]bool{
	"net": true, "net/http": true, "net/rpc": true, "net/smtp": true,
	"crypto/tls": true, "net/http/httputil": true, "net/textproto": true,
}

// netAllowed lists dependencies that import a network package, each with
// why study never reaches it. A new entry needs the same scrutiny.
var netAllowed = map[string]string{
	// progressbar imports net/http for its optional StartHTTPServer, which
	// study never calls.
	"github.com/schollz/progressbar/v3": "StartHTTPServer is never called",
	// parquet-go (the Parquet reader) brings these two. uuid imports net
	// in node_net.go only, to read the interfaces' hardware addresses for
	// time-based UUIDs (no connection); parquet-go only parses and
	// marshals UUIDs. brotli imports net/http in http.go only, for its
	// HTTPCompressor middleware; parquet-go calls NewReader and
	// NewWriterOptions.
	"github.com/google/uuid":        "net.Interfaces only, for v1 UUIDs; parquet-go parses UUIDs",
	"github.com/andybalholm/brotli": "HTTPCompressor is never called",
}

// ownNetAllowed lists the packages of this module that may import a
// network package, each with why: study works offline except when the
// user asks it to download.
var ownNetAllowed = map[string]string{
	"github.com/study-harness/study/study/data/fetch": "only `study data fetch NAME` calls it, at the user's request; TestRunOpensNoSocket checks that study run opens no socket",
}

// TestNoNetworkImports fails when a package of this module not listed in
// ownNetAllowed, or a dependency not vetted in netAllowed, imports a
// network package: study works offline and opens no connection.
func TestNoNetworkImports(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-f", `{{if not .Standard}}{{.ImportPath}}{{range .Imports}} {{.}}{{end}}{{end}}`, "./cmd/study")
	cmd.Dir = repoRoot
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		n++
		pkg := f[0]
		for _, imp := range f[1:] {
			if !netImports[imp] {
				continue
			}
			if _, ok := ownNetAllowed[pkg]; ok {
				continue
			}
			if strings.HasPrefix(pkg, "github.com/study-harness/study") {
				t.Errorf("%s imports %s: study must not talk to the network", pkg, imp)
			} else if _, ok := netAllowed[pkg]; !ok {
				t.Errorf("dependency %s imports %s; vet it and add it to netAllowed, or drop it", pkg, imp)
			}
		}
	}
	if n == 0 {
		t.Fatal("go list printed no packages")
	}
}

// TestRunOpensNoSocket traces a whole `study run` with strace and fails on
// any socket other than a Unix one. It is skipped where strace is missing
// or cannot trace.
func TestRunOpensNoSocket(t *testing.T) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Skip("strace is not installed")
	}
	tmp := t.TempDir()
	trace := filepath.Join(tmp, "trace")
	cmd := exec.Command(strace, "-f", "-qq", "-e", "signal=none", "-e", "trace=%network", "-o", trace,
		studyBin, "run", quickSpec(), "--results", tmp)
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		if strings.Contains(string(out), "PTRACE") || strings.Contains(string(out), "ptrace") {
			t.Skipf("strace cannot trace here: %s", out)
		}
		t.Fatalf("strace study run: %v\n%s", err, out)
	}
	b, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.Contains(line, "AF_UNIX") || strings.Contains(line, "AF_LOCAL") {
			continue
		}
		// strace's own note on a thread that exits mid-syscall, "PID
		// ???( <detached ...>", names no call: it is not a network call.
		if strings.Contains(line, "<detached ...>") {
			continue
		}
		t.Errorf("study made a network call: %s", line)
	}
}
