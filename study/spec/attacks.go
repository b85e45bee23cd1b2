package spec

import (
	"errors"
	"fmt"
	"reflect"

	"go.yaml.in/yaml/v3"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/study/attack"
)

// attacks reads `attacks:`, a list of adversarial attacks (attack.Attack)
// run on every model with an input gradient, as evalSets reads
// `eval_sets:`.
func (p *parser) attacks(_, v *yaml.Node) error {
	const want = "{name, method, eps[, steps, alpha, random_start, norm]}"
	if v.Kind != yaml.SequenceNode {
		return p.errorf(v, "attacks", "want a list of %s, got %s", want, describeNode(v))
	}
	seen := map[string]bool{}
	for i, item := range v.Content {
		item = deref(item)
		path := fmt.Sprintf("attacks[%d]", i)
		if item.Kind != yaml.MappingNode {
			return p.errorf(item, path, "want a mapping %s, got %s", want, describeNode(item))
		}
		var a attack.Attack
		if d := decodeStruct(item, reflect.ValueOf(&a).Elem(), path); d != nil {
			return p.wrap(d)
		}
		if err := a.Validate(); err != nil {
			var fe *models.FieldError
			errors.As(err, &fe)
			return p.errorf(fieldNode(item, fe.Field), path+"."+fe.Field, "%s", fe.Msg)
		}
		if seen[a.Name] {
			return p.errorf(fieldNode(item, "name"), path+".name", "duplicate attack name %q", a.Name)
		}
		seen[a.Name] = true
		p.s.Attacks = append(p.s.Attacks, a)
	}
	if p.s.AttackSubset == 0 {
		p.s.AttackSubset = attack.DefaultSubset
	}
	return nil
}

// attackSubset reads `attack_subset:`, the number of test instances
// attacked.
func (p *parser) attackSubset(_, v *yaml.Node) error {
	x, d := decodeValue(v, reflect.TypeFor[int](), "attack_subset")
	if d != nil {
		return p.wrap(d)
	}
	if x.Int() < 1 {
		return p.errorf(v, "attack_subset", "attack_subset %d must be ≥ 1 (default %d)", x.Int(), attack.DefaultSubset)
	}
	if len(p.s.Attacks) == 0 {
		return p.errorf(v, "attack_subset", "attack_subset without attacks: list the attacks to run")
	}
	p.s.AttackSubset = int(x.Int())
	return nil
}
