package optim_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/optim"
)

// trajectory is the parameter after five steps of s on f(x) = ½‖x − m‖².
func trajectory(t *testing.T, s optim.Settings) []float32 {
	t.Helper()
	method, err := optim.New(s)
	if err != nil {
		t.Fatal(err)
	}
	p := &models.Param{Name: "x", W: []float32{3, -2, 1}, G: make([]float32, 3), Decay: true}
	m := []float32{1, -1, 2}
	for range 5 {
		for i := range p.W {
			p.G[i] = p.W[i] - m[i]
		}
		method.Step([]*models.Param{p}, float32(s.LR))
	}
	return p.W
}

// TestMomentumIsRefusedWhereItWouldBeIgnored: a momentum that an
// optimizer accepts must change its steps; one it would ignore is refused
// by Validate, naming the field, so that runs differing only in momentum
// are never the same model under two run ids.
func TestMomentumIsRefusedWhereItWouldBeIgnored(t *testing.T) {
	uses := map[string]bool{"sgd": true, "momentum": true, "nesterov": true, "rmsprop": true,
		"adam": false, "adamw": false, "adagrad": false}
	names := optim.Names()
	for name := range uses {
		if !slices.Contains(names, name) {
			t.Errorf("optimizer %q is in the table but not registered", name)
		}
	}
	for _, name := range names {
		want, ok := uses[name]
		if !ok {
			t.Errorf("registered optimizer %q is not in the table: say whether it uses momentum", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			s := optim.Settings{Optimizer: name, LR: 0.05, L2: 0.01}
			if err := s.Validate(); err != nil {
				t.Fatalf("momentum 0 (unset): %v, want it accepted", err)
			}
			s.Momentum = 0.5
			err := s.Validate()
			if !want {
				var fe *models.FieldError
				if !errors.As(err, &fe) || fe.Field != "momentum" || !strings.Contains(fe.Msg, "momentum 0.5 has no effect on optimizer "+name) {
					t.Fatalf("momentum 0.5: error %v, want a *models.FieldError on momentum saying it has no effect on %s", err, name)
				}
				return
			}
			if err != nil {
				t.Fatalf("momentum 0.5: %v, want it accepted", err)
			}
			with := trajectory(t, s)
			s.Momentum = 0.8
			if slices.Equal(with, trajectory(t, s)) {
				t.Fatalf("momentum 0.5 and 0.8 take the same steps %v: the field is ignored", with)
			}
		})
	}
}
