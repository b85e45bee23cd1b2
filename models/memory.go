package models

// Memory is an estimate of the memory a model needs, in bytes, from its
// shape alone (nothing is allocated): what a run can be refused for
// before it is built. Figures are float64 so that absurd sizes (widths:
// [1e18]) do not overflow.
type Memory struct {
	// Params is the bytes of the trainable parameters and their gradients
	// (a Net), or of the fitted state (a Fitter: the tree's binned copy of
	// the data, naive Bayes's moments; knn keeps the data it is given).
	Params float64
	// PerRow is the bytes of activations kept for one row of a batch
	// between Forward and Backward, or of the scratch a Fitter needs per
	// training row.
	PerRow float64
	// Count is the number of trainable parameters (0 for a Fitter), from
	// which the optimizer's state follows.
	Count float64
}

// EstimateMemory returns the memory estimate of architecture o.Arch for
// data of shape s (see Memory), with the defaults of Options.Resolved. It
// counts the float32 tensors each layer holds: weights and gradients per
// parameter, and per row the inputs, outputs and masks each layer keeps
// for Backward (convolutions their im2col matrix, attention its scores),
// so it is an estimate within a small factor, meant to refuse runs that
// cannot fit, not to plan memory to the byte.
func EstimateMemory(s Shape, o Options) Memory {
	o = o.Resolved(s)
	const f32 = 4
	in, out := float64(s.In), float64(max(s.Out, 1))
	var count, perRow float64 // parameters; float32 values per row
	dense := func(a, b float64) {
		count += (a + 1) * b
		perRow += 2 * b // output and the activation's
	}
	switch o.Arch {
	case "logreg":
		dense(in, out)
	case "mlp":
		prev := in
		for _, w := range o.Widths {
			dense(prev, float64(w))
			perRow += float64(w) // dropout mask
			prev = float64(w)
		}
		dense(prev, out)
	case "resmlp":
		w := float64(o.Width)
		dense(in, w)
		for range o.Depth {
			count += 2 * w // layer norm
			dense(w, w)
			dense(w, w)
			perRow += 4 * w // norm, residual, dropout
		}
		count += 2 * w
		dense(w, out)
	case "cnn":
		h, wd, c := float64(s.Height), float64(s.Width), float64(max(s.Channels, 1))
		ch := float64(o.Width)
		for range o.Depth {
			count += (9*c + 1) * ch
			perRow += h * wd * (9*c + 3*ch) // im2col, conv, activation, pool argmax
			h, wd, c = float64(int(h)/2), float64(int(wd)/2), ch
			ch *= 2
		}
		dense(h*wd*c, 128)
		dense(128, out)
	case "gru":
		steps := float64(max(s.Height, 1))
		step := in / steps
		hd := float64(o.Width)
		count += 3*hd*(step+hd) + 6*hd
		perRow += steps * 8 * hd // gates, candidates, states per step
		dense(hd, out)
	case "transformer":
		p := float64(max(o.Patch, 1))
		t := float64(max(s.Height, 1)/max(o.Patch, 1)) * float64(max(s.Width, 1)/max(o.Patch, 1))
		d, heads := float64(o.Width), float64(o.Heads)
		hidden := transformerMLPRatio * d
		count += p*p*float64(max(s.Channels, 1))*d + d + t*d
		for range o.Depth {
			count += 4*d + 4*d*d + 4*d + 2*d*hidden + hidden + d
			perRow += t * (12*d + 3*hidden) // norms, q, k, v, outputs, MLP
			perRow += 2 * heads * t * t     // scores and softmax
		}
		count += 2 * d
		dense(d, out)
	case "tree":
		return Memory{Params: 0, PerRow: in + 4 + 8} // binned copy of the row, indices
	case "knn":
		return Memory{Params: knnTestBlock * knnTrainBlock * f32, PerRow: f32} // cross products, norms
	case "naive_bayes":
		return Memory{Params: 3 * in * out * 8}
	default:
		return Memory{}
	}
	return Memory{Params: 2 * count * f32, PerRow: perRow * f32, Count: count}
}
