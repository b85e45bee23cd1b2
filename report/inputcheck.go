package report

import "fmt"

// PredMismatchSection is the report's note on predictions whose pred
// column is not a most probable class of their p columns in rows of the
// file's total rows (the first on line line): the measures of predicted
// labels then describe another classifier than the measures of
// probabilities. study analyze adds it, and says the same on stderr.
func PredMismatchSection(file string, rows, total, line int) Section {
	return Section{
		ID:    "pred-not-argmax",
		Title: "Warning: pred is not argmax(p)",
		Text: []string{
			fmt.Sprintf("In %d of the %d rows of %s (the first on line %d), pred is not a most probable class of the p columns.", rows, total, file, line),
			"The measures of predicted labels read pred: accuracy, agreement, Cohen's and Fleiss' κ, error consistency, " +
				"the ensemble measures, factor attribution and the confusion matrices. " +
				"The measures of probabilities read p: JSD, CAPA, the reliability diagrams and ECE, and the ROC curves. " +
				"In those rows the two groups describe different classifiers; write pred as argmax p, or leave out the p columns.",
		},
	}
}
