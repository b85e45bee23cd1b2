package spec

import (
	"reflect"

	"github.com/study-harness/study/models"
)

// Used returns c as training reads it: the architecture's options less
// the fields it does not read (models.Options.Used), the optimizer
// settings as the optimizer and schedule read them (optim.Settings.Used)
// and an unset data_subset written as full. Two runs whose Used configs
// are equal train the same model; the grid refuses them (see
// grid.Expand). Used is for comparing runs; the run id hashes c itself.
func (c Config) Used() Config {
	c.Options = c.Options.Used()
	c.Settings = c.Settings.Used()
	if c.DataSubset == "" {
		c.DataSubset = SubsetFull
	}
	return c
}

// UsedMayChange reports whether Config.Used may clear or rewrite the run
// field key for some run: the architecture options (arch aside), the
// optimizer's momentum, the step schedule's fields, schedule and
// data_subset. Runs that differ only in other keys differ in Used too.
func UsedMayChange(key string) bool {
	switch key {
	case "momentum", "gamma", "step_size", "schedule", keyDataSubset:
		return true
	case "arch":
		return false
	}
	_, ok := optionKeys[key]
	return ok
}

// optionKeys are the spec keys of models.Options.
var optionKeys = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range structFields(reflect.TypeFor[models.Options]()) {
		m[f.key] = true
	}
	return m
}()

// Resolved returns Used with every default filled in for data of shape s
// (models.Options.Resolved, optim.Settings.Resolved): every value the run
// is trained with, which the manifest records beside the config that the
// run id hashes.
func (c Config) Resolved(s models.Shape) Config {
	u := c.Used()
	u.Options = c.Options.Resolved(s)
	u.Settings = c.Settings.Resolved(c.Epochs)
	return u
}
