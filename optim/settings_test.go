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
			s.Momentum = ptr(0.5)
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
			s.Momentum = ptr(0.8)
			if slices.Equal(with, trajectory(t, s)) {
				t.Fatalf("momentum 0.5 and 0.8 take the same steps %v: the field is ignored", with)
			}
		})
	}
}

// ptr returns a pointer to v, for Settings.Momentum.
func ptr(v float64) *float64 { return &v }

// TestMomentumZeroMeansZero checks that a given momentum of 0 is honoured:
// momentum and nesterov with μ = 0 take plain SGD's steps, while an unset
// μ (nil) takes DefaultMomentum (before, 0 stood for "unset", so momentum
// 0 trained with 0.9).
func TestMomentumZeroMeansZero(t *testing.T) {
	sgd := trajectory(t, optim.Settings{Optimizer: "sgd", LR: 0.05})
	for _, name := range []string{"momentum", "nesterov"} {
		t.Run(name, func(t *testing.T) {
			zero := optim.Settings{Optimizer: name, LR: 0.05, Momentum: ptr(0)}
			if got := zero.MomentumValue(); got != 0 {
				t.Errorf("MomentumValue of a given 0 = %v, want 0", got)
			}
			if got := trajectory(t, zero); !slices.Equal(got, sgd) {
				t.Errorf("momentum 0 steps to %v, want sgd's %v", got, sgd)
			}
			unset := optim.Settings{Optimizer: name, LR: 0.05}
			if got := unset.MomentumValue(); got != optim.DefaultMomentum {
				t.Errorf("MomentumValue unset = %v, want %v", got, optim.DefaultMomentum)
			}
			if got, want := trajectory(t, unset), trajectory(t, optim.Settings{Optimizer: name, LR: 0.05, Momentum: ptr(optim.DefaultMomentum)}); !slices.Equal(got, want) {
				t.Errorf("unset momentum steps to %v, want the default's %v", got, want)
			}
		})
	}
}
