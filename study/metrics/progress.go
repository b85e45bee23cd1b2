package metrics

import "fmt"

// progress reports a stage through o.Progress, when set.
func (o Options) progress(format string, args ...any) {
	if o.Progress != nil {
		o.Progress(fmt.Sprintf(format, args...))
	}
}
