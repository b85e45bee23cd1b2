package seeds

import "testing"

func TestStream(t *testing.T) {
	tests := []struct {
		name      string
		a, b      func() uint64
		wantEqual bool
	}{
		{"same name and keys repeat", func() uint64 { return Stream("init", 1, 2).Uint64() }, func() uint64 { return Stream("init", 1, 2).Uint64() }, true},
		{"another name is another stream", func() uint64 { return Stream("init", 1, 2).Uint64() }, func() uint64 { return Stream("order", 1, 2).Uint64() }, false},
		{"another key is another stream", func() uint64 { return Stream("init", 1, 2).Uint64() }, func() uint64 { return Stream("init", 1, 3).Uint64() }, false},
		{"key order matters", func() uint64 { return Stream("init", 1, 2).Uint64() }, func() uint64 { return Stream("init", 2, 1).Uint64() }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a() == tt.b(); got != tt.wantEqual {
				t.Errorf("equal = %v, want %v", got, tt.wantEqual)
			}
		})
	}
}
