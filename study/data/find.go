package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// EnvDataDir names the environment variable that overrides DataDir.
const EnvDataDir = "STUDY_DATA"

// systemDatasets is where Debian's dataset packages install their files
// (dataset-fashion-mnist puts them in /usr/share/datasets/fashion-mnist).
// Tests replace it.
var systemDatasets = "/usr/share/datasets"

// DataDir returns the folder where `study data fetch` stores datasets and
// where Load looks for them: $STUDY_DATA when set, else the "study" folder
// of the user's cache folder (os.UserCacheDir), else "" when neither is
// known.
func DataDir() string {
	if d := os.Getenv(EnvDataDir); d != "" {
		return d
	}
	if c, err := os.UserCacheDir(); err == nil {
		return filepath.Join(c, "study")
	}
	return ""
}

// MissingError reports a downloadable dataset whose files are in none of
// the folders Load looked in. It is bad input (exit code 2).
type MissingError struct {
	Dataset string   // the dataset name, e.g. "fashion-mnist"
	File    string   // the first file that is missing
	Tried   []string // the folders looked in, in order
	Get     string   // how to get the files
}

// Error names the file, the folders and how to get the data.
func (e *MissingError) Error() string {
	return fmt.Sprintf("dataset %s: %s is in none of %s; get it with %s", e.Dataset, e.File, strings.Join(e.Tried, ", "), e.Get)
}

// BadInput marks the error as the user's to fix (exit code 2).
func (e *MissingError) BadInput() {}

// findDir returns the first folder that holds every one of files:
// the spec's path (relative to baseDir) when given, then
// DataDir()/name, then systemDatasets/name. When none does, the error
// is a *MissingError naming the first file missing from the first
// folder, with get as the remedy.
func findDir(s Spec, baseDir, name, get string, files []string) (string, error) {
	var dirs []string
	if s.Path != "" {
		p := s.Path
		if !filepath.IsAbs(p) {
			p = filepath.Join(baseDir, p)
		}
		dirs = append(dirs, p)
	}
	if d := DataDir(); d != "" {
		dirs = append(dirs, filepath.Join(d, name))
	}
	dirs = append(dirs, filepath.Join(systemDatasets, name))
	missing := ""
	for _, d := range dirs {
		m := ""
		for _, f := range files {
			if _, err := os.Stat(filepath.Join(d, f)); err != nil {
				if !errors.Is(err, fs.ErrNotExist) {
					return "", fmt.Errorf("dataset %s: %w", name, err)
				}
				m = f
				break
			}
		}
		if m == "" {
			return d, nil
		}
		if missing == "" {
			missing = m
		}
	}
	return "", &MissingError{Dataset: name, File: missing, Tried: dirs, Get: get}
}
