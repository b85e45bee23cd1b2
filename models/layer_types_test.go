package models_test

import (
	"bufio"
	"bytes"
	"fmt"
	"go/ast"
	gobuild "go/build"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

// layerTypes returns the names of the package's types whose value or
// pointer implements its Layer interface, sorted: it parses the package's
// non-test Go files and type-checks them with go/types, importing the
// dependencies from the export data that `go list -export` reports (the
// build cache already holds it for a test).
func layerTypes(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-export", "-deps", "-f", "{{.ImportPath}} {{.Export}}", ".").Output()
	if err != nil {
		t.Fatalf("go list -export: %v", err)
	}
	export := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if path, file, ok := strings.Cut(sc.Text(), " "); ok && file != "" {
			export[path] = file
		}
	}
	lookup := func(path string) (io.ReadCloser, error) {
		file, ok := export[path]
		if !ok {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	}
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if match, err := gobuild.Default.MatchFile(".", name); err != nil || !match {
			continue // a file of another platform or build (fastmath_other.go)
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "gc", lookup)}
	pkg, err := conf.Check("github.com/study-harness/study/models", fset, files, nil)
	if err != nil {
		t.Fatalf("type-checking the package: %v", err)
	}
	layer, ok := pkg.Scope().Lookup("Layer").Type().Underlying().(*types.Interface)
	if !ok {
		t.Fatal("the package has no Layer interface")
	}
	var names []string
	for _, name := range pkg.Scope().Names() { // sorted
		tn, ok := pkg.Scope().Lookup(name).(*types.TypeName)
		if !ok || types.IsInterface(tn.Type()) {
			continue
		}
		if types.Implements(tn.Type(), layer) || types.Implements(types.NewPointer(tn.Type()), layer) {
			names = append(names, name)
		}
	}
	return names
}

// TestEveryLayerTypeIsInTheCatalogue: every type of the package that
// implements Layer is built by an entry of the layer catalogue, so that
// the gradient check covers it.
func TestEveryLayerTypeIsInTheCatalogue(t *testing.T) {
	found := layerTypes(t)
	if len(found) == 0 {
		t.Fatal("found no type implementing Layer")
	}
	have := map[string]bool{}
	for _, l := range layers {
		ty := reflect.TypeOf(l.build(rand.New(rand.NewPCG(7, 0))))
		for ty.Kind() == reflect.Pointer {
			ty = ty.Elem()
		}
		have[ty.Name()] = true
	}
	for _, name := range found {
		if !have[name] {
			t.Errorf("type %s implements Layer, but no entry of the layer catalogue (catalogue_test.go) builds one", name)
		}
	}
}
