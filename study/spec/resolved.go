package spec

import "github.com/study-harness/study/models"

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
