// Package report is stage 6, the last stage, of a study:
//
//  1. spec    (study/spec)    parse and validate a YAML sweep spec
//  2. grid    (study/grid)    expand it into runs with readable names
//  3. runs    (study/runs)    train the runs on a worker pool; store each one
//  4. matrix  (study/predmat) gather predictions: models × test instances
//  5. metrics (study/metrics) measure how much the models agree
//  6. report  (report)        render the report, figures and tables: this package
//
// The caller (the engine) fills an Input with what the report shows: the
// prediction matrix (Input.Matrix), the metrics stage's result for it
// (Input.Metrics), what was varied, the per-run results and the
// environment. The report draws from that one matrix type and that one
// result: every homogeneity measure, interval, p-value and factor
// attribution comes from the metrics stage. The report itself computes
// only presentation-level quantities: confusion matrices, ROC curves and
// their AUC, reliability diagrams and the expected calibration error (15
// equal-width bins of top-label confidence, ECE = Σ_b (n_b/N)|acc_b −
// conf_b|), and the hierarchical clustering that orders the heatmaps.
//
// Optional members of the metrics result (<name>_ci, <name>_p,
// attribution, representation, generalization_disagreement,
// agreement_on_the_line, duplicates) are read through their metrics.json
// form and shown when present; a part whose data is absent says "not
// computed", with the metrics stage's reason when it gave one. Groups of
// duplicate models are a warning in the summary and the report.
//
// Outputs:
//
//   - WriteHTML writes one self-contained HTML page: inline CSS and SVG,
//     a few lines of inline script to sort the runs table, no network
//     requests. It reads on a laptop and prints cleanly. Sections:
//     summary, the factor-attribution headline, homogenization, heatmaps
//     (agreement, error consistency, CKA) with dendrograms and
//     family-coloured names, scatter plots, runs and training curves,
//     the evaluation views, and the caller's extra sections
//     (Input.Sections). ShiftSection builds the distribution-shift one
//     (a table per evaluation set, then the agreement-on-the-line figure)
//     and SharingSection the component-sharing one, each from the
//     metrics stage's results.
//   - WritePaper writes figures/<name>.pdf and .svg (3.5 in, one column;
//     7 in for wide figures), tables/<name>.tex (booktabs, best value in
//     bold, each value followed by its 95% interval [lo, hi] when one was
//     computed; laid out to fit one column of a two-column article, else
//     both as table*, by the rules in texlayout.go) with tables/<name>.csv holding every number, methods.md (a methods paragraph with pandoc citations),
//     methods.tex (the same text with natbib's \citep) and references.bib. WriteFigures writes the figures alone.
//   - Summary writes the runs, the top-line numbers and the factor
//     ranking for the terminal.
//
// The heatmaps order their rows and columns by average-linkage
// hierarchical clustering on 1 − similarity (AverageLinkage, LeafOrder),
// so that models that agree sit next to each other; the tree is drawn
// above. A model's family is its "arch" value, else its name's prefix.
//
// Every string from the user (model names, axis values, reasons, the spec)
// is escaped: html/template escapes the page, the SVG backend escapes plot
// text, Latex escapes LaTeX, and CSV cells that a spreadsheet would run as
// formulas are quoted. All output is deterministic: the same Input gives
// the same bytes, PDFs included (their dates are fixed through fpdf's
// package defaults, see pdfEpoch; their font is a UTF-8 TrueType subset,
// report/internal/vgpdf, so that κ and − print as in the SVG), and files are replaced atomically
// (study/atomic).
package report
