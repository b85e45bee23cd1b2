package data

import "testing"

// BenchmarkLoadMNIST measures a full MNIST load after the one-time decode:
// scaling 70 000 images to float32, the validation split and the
// fingerprint.
func BenchmarkLoadMNIST(b *testing.B) {
	if _, err := loadMNIST(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		set, err := Load(Spec{Name: "mnist"}, 1, "")
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(4 * (len(set.TrainX) + len(set.ValX) + len(set.TestX))))
	}
}

// BenchmarkDecodeMNIST measures the one-time decode of the embedded files.
func BenchmarkDecodeMNIST(b *testing.B) {
	for b.Loop() {
		if _, err := decodeIDXSet("mnist", func(name string) ([]byte, error) {
			return mnistFS.ReadFile("mnist/" + name)
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFingerprint measures hashing a full MNIST set.
func BenchmarkFingerprint(b *testing.B) {
	set, err := Load(Spec{Name: "mnist"}, 1, "")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(4 * (len(set.TrainX) + len(set.ValX) + len(set.TestX))))
	for b.Loop() {
		fingerprint(Spec{Name: "mnist"}, set)
	}
}
