package models

// ConvTakesDirectPath reports whether l takes the direct conv path
// (conv_direct.go), for the layer catalogue in package models_test.
func ConvTakesDirectPath(l *Conv2D) bool { return l.direct() }
