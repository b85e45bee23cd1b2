// Package report is stage 6, the last stage, of a study:
//
//  1. spec    (study/spec)    parse and validate a YAML sweep spec
//  2. grid    (study/grid)    expand it into runs with readable names
//  3. runs    (study/runs)    train the runs on a worker pool; store each one
//  4. matrix  (study/predmat) gather predictions: models × test instances
//  5. metrics (study/metrics) measure how much the models agree
//  6. report  (report)        render the report, figures and tables: this package
//
// The caller (the engine) fills an Input with everything the report shows:
// what was varied, the per-run results, the pairwise agreement matrix
// already computed by the metrics stage, and the environment. This package
// computes no metrics itself; it only orders, summarises and draws.
//
// Outputs:
//
//   - WriteHTML writes one self-contained HTML page (inline CSS and SVG,
//     a few lines of inline script to sort the runs table, no network
//     requests) that reads on a laptop and prints cleanly.
//   - Summary writes a short table for the terminal.
//   - WriteFigures writes the agreement heatmap as PDF and SVG at a
//     journal column width, for papers.
//
// The agreement heatmap orders its rows and columns by average-linkage
// hierarchical clustering on 1−agreement (AverageLinkage, LeafOrder), so
// that models that agree sit next to each other.
//
// Every string from the user (model names, axis values, reasons, the spec)
// is escaped: html/template escapes the page, and the SVG backend escapes
// plot text. All output is deterministic: the same Input gives the same
// bytes, and files are replaced atomically (study/atomic).
//
// The page is built from a list of sections (sections.go); later sections,
// such as per-metric tables, are added as new sections, and extra sections
// the engine wants shown can be passed in Input.Sections.
package report
