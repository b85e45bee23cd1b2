package data

// Image is the `image:` mapping of a csv or npz dataset: the features are
// the pixels of a Height×Width×Channels image, in row-major order with
// channels last (HWC): pixel (row r, column c, channel k) is feature
// (r·Width + c)·Channels + k, counting feature columns in file order.
// Image-aware architectures (cnn, gru, transformer) and image
// augmentations then work on the set.
type Image struct {
	Height   int `json:"height"`
	Width    int `json:"width"`
	Channels int `json:"channels"`
	// Scale divides every pixel, so that 0–255 pixels become [0, 1]
	// with scale: 255. 0 means 1 (pixels as they are).
	Scale float64 `json:"scale,omitempty"`
}

// maxImagePixels caps Height×Width×Channels.
const maxImagePixels = 1 << 24

// validate checks the geometry.
func (im *Image) validate() error {
	switch {
	case im.Height < 1:
		return fieldErr("image.height", "%d must be ≥ 1", im.Height)
	case im.Width < 1:
		return fieldErr("image.width", "%d must be ≥ 1", im.Width)
	case im.Channels < 1:
		return fieldErr("image.channels", "%d must be ≥ 1", im.Channels)
	case int64(im.Height)*int64(im.Width)*int64(im.Channels) > maxImagePixels:
		return fieldErr("image", "%d×%d×%d is more than %d values", im.Height, im.Width, im.Channels, maxImagePixels)
	case !(im.Scale >= 0) || im.Scale > 1e30:
		return fieldErr("image.scale", "%v must be > 0 and finite", im.Scale)
	}
	return nil
}

// pixels returns H·W·C.
func (im *Image) pixels() int { return im.Height * im.Width * im.Channels }

// apply makes r an image set of geometry im: it checks the feature count,
// scales the pixels and turns standardisation off (pixels keep their
// meaning, which image augmentations rely on). file names the data in
// errors.
func (im *Image) apply(r *raw, file string) error {
	if r.in != im.pixels() {
		return fieldErr("image", "%d×%d×%d = %d pixels, but %s has %d features", im.Height, im.Width, im.Channels, im.pixels(), file, r.in)
	}
	r.h, r.w, r.c = im.Height, im.Width, im.Channels
	r.standardise = false
	if im.Scale != 0 && im.Scale != 1 {
		for _, x := range [][]float32{r.trainX, r.testX} {
			for i := range x {
				x[i] = float32(float64(x[i]) / im.Scale)
			}
		}
	}
	return nil
}
