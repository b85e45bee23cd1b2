package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCSVImage(t *testing.T) {
	dir := t.TempDir()
	// Two 1×2×2 images (HWC): pixel values 0..255 so that scale: 255 maps
	// them to [0, 1]; the label column may sit anywhere.
	csv := "a,b,label,c,d\n0,51,x,102,255\n255,0,y,0,51\n10,20,x,30,40\n50,60,y,70,80\n"
	os.WriteFile(filepath.Join(dir, "img.csv"), []byte(csv), 0o644)
	for _, tc := range []struct {
		name    string
		image   *Image
		want    []float32 // the first training instance, when no error
		wantErr string
	}{
		{name: "pixels keep their values and are not standardised", image: &Image{Height: 1, Width: 2, Channels: 2}},
		{name: "scale divides them", image: &Image{Height: 1, Width: 2, Channels: 2, Scale: 255}},
		{name: "a geometry that does not match the features is refused", image: &Image{Height: 2, Width: 2, Channels: 2}, wantErr: "2×2×2 = 8 pixels, but"},
		{name: "a zero channel count is refused", image: &Image{Height: 1, Width: 4}, wantErr: "dataset.image.channels"},
		{name: "a negative scale is refused", image: &Image{Height: 1, Width: 2, Channels: 2, Scale: -1}, wantErr: "dataset.image.scale"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := Load(Spec{Name: "csv", Path: "img.csv", Test: 1, NoVal: true, Image: tc.image}, 1, dir)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v; want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if set.Height != 1 || set.Width != 2 || set.Chans != 2 {
				t.Fatalf("geometry %d×%d×%d", set.Height, set.Width, set.Chans)
			}
			scale := float32(1)
			if tc.image.Scale != 0 {
				scale = float32(tc.image.Scale)
			}
			// The rows are in file order; every pixel is a value of the file.
			rows := map[string][]float32{"x": {0, 51, 102, 255}, "y": {255, 0, 0, 51}, "x2": {10, 20, 30, 40}, "y2": {50, 60, 70, 80}}
			for i := range set.NTrain() {
				found := false
				for _, r := range rows {
					ok := true
					for j, v := range r {
						ok = ok && set.TrainX[i*4+j] == v/scale
					}
					found = found || ok
				}
				if !found {
					t.Errorf("training instance %d = %v is no row of the file divided by %v", i, set.TrainX[i*4:i*4+4], scale)
				}
			}
		})
	}
	t.Run("image applies to csv and npz only", func(t *testing.T) {
		err := Spec{Name: "mnist", Image: &Image{Height: 28, Width: 28, Channels: 1}}.Validate()
		if err == nil || !strings.Contains(err.Error(), "dataset.image") {
			t.Errorf("error %v; want one at dataset.image", err)
		}
	})
}
