package report

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// chromium returns the path of a Chromium binary, or "" when there is
// none.
func chromium() string {
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// runChromium runs headless Chromium with the flags the issue names plus
// a fresh profile, and returns its standard output.
func runChromium(t *testing.T, bin string, args ...string) string {
	t.Helper()
	profile := t.TempDir()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--no-first-run", "--disable-component-update", "--disable-sync", "--disable-default-apps",
		"--disable-extensions", "--user-data-dir=" + profile}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	return string(out)
}

// probePage is a test-only wrapper that loads the report in a same-origin
// iframe and, once it has loaded, writes the size of every <svg> of the
// report into its own DOM, which --dump-dom prints. The report itself
// carries no measuring script.
const probePage = `<!DOCTYPE html><html><body>
<iframe id="r" src="report.html" style="width:1280px;height:4000px"></iframe>
<img alt="" src="http://127.0.0.1:9/control.png">
<pre id="sizes">pending</pre>
<script>
document.getElementById("r").addEventListener("load", function () {
  var d = this.contentDocument, out = [];
  d.querySelectorAll("svg").forEach(function (s, i) {
    var r = s.getBoundingClientRect();
    var f = s.closest("figure");
    out.push("svg " + i + " " + (f && f.dataset.figure || "-") + " " + r.width + " " + r.height + " " + s.getAttribute("width") + " " + s.getAttribute("height"));
  });
  out.push("svgs " + d.querySelectorAll("svg").length);
  document.getElementById("sizes").textContent = out.join("\n");
});
</script></body></html>`

var (
	svgSizeRE = regexp.MustCompile(`svg (\d+) (\S+) ([0-9.]+) ([0-9.]+) (\S+) (\S+)`)
)

// TestReportInChromium opens the report of a small study with metrics and
// a prediction matrix in headless Chromium, checks that every figure has
// a size, at most twice the size it was drawn at, and that loading the
// page requests nothing from the network,
// and saves a screenshot. It is skipped where Chromium is absent.
func TestReportInChromium(t *testing.T) {
	bin := chromium()
	if bin == "" {
		t.Skip("no chromium on this machine")
	}
	if testing.Short() {
		t.Skip("starts a browser")
	}
	dir := t.TempDir()
	in := metricsInput(t)
	page, err := RenderHTML(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "report.html"), page, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "probe.html"), []byte(probePage), 0o644); err != nil {
		t.Fatal(err)
	}
	wantSVG := strings.Count(string(page), "<svg")
	netlog := filepath.Join(dir, "netlog.json")
	dom := runChromium(t, bin, "--allow-file-access-from-files", "--virtual-time-budget=10000",
		"--log-net-log="+netlog, "--net-log-capture-mode=Default", "--dump-dom", "file://"+filepath.Join(dir, "probe.html"))

	t.Run("every figure has a size near its own", func(t *testing.T) {
		m := regexp.MustCompile(`svgs (\d+)`).FindStringSubmatch(dom)
		if m == nil {
			t.Fatalf("the probe wrote no sizes; DOM:\n%.2000s", dom)
		}
		if n, _ := strconv.Atoi(m[1]); n != wantSVG || n < 5 {
			t.Errorf("the browser sees %d <svg> elements, the page has %d (want at least 5)", n, wantSVG)
		}
		for _, s := range svgSizeRE.FindAllStringSubmatch(dom, -1) {
			w, _ := strconv.ParseFloat(s[3], 64)
			h, _ := strconv.ParseFloat(s[4], 64)
			if w < 50 || h < 50 {
				t.Errorf("figure %s (svg %s) is %.0f×%.0f px", s[2], s[1], w, h)
			}
			// A figure is drawn at its size, or scaled up to its box
			// (a column figure to 32rem, 1.5 times, a page-wide one
			// to the page, 1.6 times), never more than twice, which
			// would make its text twice the size it was drawn at.
			dw, errW := cssPixels(s[5])
			dh, errH := cssPixels(s[6])
			if errW != nil || errH != nil {
				t.Errorf("figure %s (svg %s): size attributes %q×%q: %v %v", s[2], s[1], s[5], s[6], errW, errH)
				continue
			}
			if w > 2*dw || h > 2*dh {
				t.Errorf("figure %s (svg %s) is drawn %.0f×%.0f px and shown %.0f×%.0f px, %.1f times its size", s[2], s[1], dw, dh, w, h, w/dw)
			}
		}
	})
	t.Run("loading the page makes no network request", func(t *testing.T) {
		reqs, err := pageRequests(netlog)
		if err != nil {
			t.Fatal(err)
		}
		control := false
		for _, u := range reqs {
			switch {
			case u == "http://127.0.0.1:9/control.png":
				control = true
			case strings.HasPrefix(u, "file://"), strings.HasPrefix(u, "data:"), strings.HasPrefix(u, "about:"):
			default:
				t.Errorf("the page requested %s", u)
			}
		}
		if !control {
			t.Errorf("the net log does not show the probe's control request, so it cannot show the report's requests either; page requests: %q", reqs)
		}
	})
	t.Run("a screenshot is saved", func(t *testing.T) {
		out := os.Getenv("STUDY_ARTIFACTS")
		if out == "" {
			out = t.TempDir()
		}
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
		shot := filepath.Join(out, "report-screenshot.png")
		runChromium(t, bin, "--hide-scrollbars", "--window-size=1280,4000", "--screenshot="+shot, "file://"+filepath.Join(dir, "report.html"))
		st, err := os.Stat(shot)
		if err != nil || st.Size() < 10000 {
			t.Fatalf("screenshot %s: %v (size %d)", shot, err, sizeOf(st))
		}
		t.Logf("screenshot: %s", shot)
	})
}

// pageRequests returns the URLs of the requests that a document started
// (URL_REQUEST_START_JOB with an initiator), read from a Chromium net log.
// Chromium's own background requests (update checks, network time,
// account lookups) have the initiator "not an origin" and are left out:
// they are the browser's, not the page's.
func pageRequests(netlog string) ([]string, error) {
	b, err := os.ReadFile(netlog)
	if err != nil {
		return nil, fmt.Errorf("net log: %w", err)
	}
	var log struct {
		Constants struct {
			LogEventTypes map[string]int `json:"logEventTypes"`
		} `json:"constants"`
		Events []struct {
			Type   int `json:"type"`
			Params struct {
				URL       string `json:"url"`
				Initiator string `json:"initiator"`
			} `json:"params"`
		} `json:"events"`
	}
	if err := json.Unmarshal(b, &log); err != nil {
		return nil, fmt.Errorf("net log %s: %w", netlog, err)
	}
	start, ok := log.Constants.LogEventTypes["URL_REQUEST_START_JOB"]
	if !ok {
		return nil, fmt.Errorf("net log %s: no URL_REQUEST_START_JOB event type", netlog)
	}
	var urls []string
	for _, e := range log.Events {
		if e.Type == start && e.Params.URL != "" && e.Params.Initiator != "not an origin" {
			urls = append(urls, e.Params.URL)
		}
	}
	return urls, nil
}

// cssPixels converts an SVG length in points ("252pt") to CSS pixels.
func cssPixels(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "pt"), 64)
	if err != nil || !strings.HasSuffix(s, "pt") {
		return 0, fmt.Errorf("not a length in points: %q", s)
	}
	return v * 96 / 72, nil
}

func sizeOf(st os.FileInfo) int64 {
	if st == nil {
		return 0
	}
	return st.Size()
}
