package predmat

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
)

// Transfer is the prediction matrix's companion for one adversarial
// attack: every target model's predictions on the examples crafted on
// every source model (docs/robustness.md). Its models are the Matrix's,
// in the same order, each both a possible source and a target; its
// instances are the attacked test instances, each one of the Matrix's
// instance ids.
type Transfer struct {
	Attack    string   // the attack's name
	Models    []string // model names, the Matrix's (len M)
	Instances []string // the attacked instances' ids (len n)
	// Pred[(s*M+t)*n+i] is target t's predicted class on the example of
	// instance i crafted on source s, or -1 when s is not a source or t
	// could not be rebuilt (NoSource, NoTarget say why).
	Pred []int32
	// NoSource[s] says why model s crafted no examples ("" for a
	// source); NoTarget[t] why model t could not predict them ("" for a
	// target).
	NoSource, NoTarget []string
	// Grad[m] holds model m's input-loss gradients on the clean attacked
	// instances, n×In row-major, or nil (NoGrad[m] says why). They are
	// not part of the binary form.
	Grad   [][]float32
	In     int
	NoGrad []string
	// Key identifies what the predictions were computed from (the
	// attack, its instances and every model's run); a stored Transfer
	// whose key differs is stale.
	Key string
}

// N returns the number of attacked instances.
func (tr *Transfer) N() int { return len(tr.Instances) }

// Cell returns target t's predictions on source s's examples, or nil when
// the pair has none.
func (tr *Transfer) Cell(s, t int) []int32 {
	if tr.NoSource[s] != "" || tr.NoTarget[t] != "" {
		return nil
	}
	m, n := len(tr.Models), tr.N()
	return tr.Pred[(s*m+t)*n : (s*m+t+1)*n]
}

// transferMagic opens the binary form of a Transfer: the magic, u32 the
// length of a JSON header (attack, key, models, instances, reasons), the
// header, and M×M×n little-endian i32 predictions.
const transferMagic = "STR1"

type transferHeader struct {
	Attack    string   `json:"attack"`
	Key       string   `json:"key"`
	Models    []string `json:"models"`
	Instances []string `json:"instances"`
	NoSource  []string `json:"no_source"`
	NoTarget  []string `json:"no_target"`
}

// AppendTransfer appends the binary form of tr (without its gradients).
func AppendTransfer(dst []byte, tr *Transfer) ([]byte, error) {
	m, n := len(tr.Models), tr.N()
	if len(tr.Pred) != m*m*n || len(tr.NoSource) != m || len(tr.NoTarget) != m {
		return dst, fmt.Errorf("predmat: transfer %s: %d predictions and %d/%d reasons for %d models and %d instances", tr.Attack, len(tr.Pred), len(tr.NoSource), len(tr.NoTarget), m, n)
	}
	h, err := json.Marshal(transferHeader{tr.Attack, tr.Key, tr.Models, tr.Instances, tr.NoSource, tr.NoTarget})
	if err != nil {
		return dst, err
	}
	dst = append(dst, transferMagic...)
	dst = binary.LittleEndian.AppendUint32(dst, uint32(len(h)))
	dst = append(dst, h...)
	for _, p := range tr.Pred {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(p))
	}
	return dst, nil
}

// ReadTransfer decodes the binary form written by AppendTransfer.
func ReadTransfer(b []byte) (*Transfer, error) {
	bad := errors.New("predmat: not a transfer file (truncated or another format)")
	if len(b) < len(transferMagic)+4 || string(b[:len(transferMagic)]) != transferMagic {
		return nil, bad
	}
	b = b[len(transferMagic):]
	hl := int(binary.LittleEndian.Uint32(b))
	b = b[4:]
	if hl > len(b) {
		return nil, bad
	}
	var h transferHeader
	if err := json.Unmarshal(b[:hl], &h); err != nil {
		return nil, fmt.Errorf("predmat: transfer header: %w", err)
	}
	b = b[hl:]
	m, n := len(h.Models), len(h.Instances)
	if len(h.NoSource) != m || len(h.NoTarget) != m || len(b) != 4*m*m*n {
		return nil, bad
	}
	tr := &Transfer{Attack: h.Attack, Key: h.Key, Models: h.Models, Instances: h.Instances, NoSource: h.NoSource, NoTarget: h.NoTarget, Pred: make([]int32, m*m*n)}
	for k := range tr.Pred {
		tr.Pred[k] = int32(binary.LittleEndian.Uint32(b[4*k:]))
	}
	return tr, nil
}
