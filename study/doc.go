// Package study wires the stages of a homogeneity study together:
//
//  1. spec    (study/spec)    parse and validate a YAML sweep spec
//  2. grid    (study/grid)    expand it into runs with readable names
//  3. runs    (study/runs)    train the runs on a worker pool; store each one
//  4. matrix  (study/predmat) gather predictions: models × test instances
//  5. metrics (study/metrics) measure how much the models agree
//  6. report  (report)        render the report, figures and tables
//
// Each function here is one command of cmd/study: Run goes through every
// stage, Analyze starts at stage 4 from a predictions CSV made by any
// framework, and Report redoes stages 5 and 6 from a results folder without
// retraining. Everything they write goes through study/atomic.
package study
