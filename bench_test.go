// Kernel benchmarks of the whole pipeline, in one place, so that
//
//	go test -bench . -run '^$'
//
// at the module root measures what issue 6 sets targets for: training the
// seed MLP (stage 3, runs), the float32 GEMM under every layer, the
// engine's cost on a sweep of tiny runs, and the metrics kernels
// (stage 5); what issue 23 adds, one epoch of each default
// architecture (BenchmarkTrainModels); and what issue 21 adds, a PGD-10
// attack on the default mlp and cnn (BenchmarkPGD). scripts/bench-vs-peers
// runs them beside the peers in scripts/peers, scripts/bench-models-vs-torch
// the whole models and scripts/bench-pgd-vs-torch the attack beside
// PyTorch.
//
// Every benchmark reports its figure from wall time (GFLOP/s, s/run,
// pairs/s) and, because the machines are shared and noisy, also from the
// process's CPU time (the cpu- metrics): each kernel is single-threaded,
// so its CPU time is the time it would take on an idle core.
package study_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/study-harness/study/models"
	"github.com/study-harness/study/optim"
	"github.com/study-harness/study/study"
	"github.com/study-harness/study/study/attack"
	"github.com/study-harness/study/study/data"
	"github.com/study-harness/study/study/metrics"
	"github.com/study-harness/study/study/predmat"
	"github.com/study-harness/study/study/predmat/predmattest"
	"github.com/study-harness/study/study/runs"
	"github.com/study-harness/study/study/seeds"
	"github.com/study-harness/study/study/spec"
	"github.com/study-harness/study/study/store"
	"github.com/study-harness/study/study/train"
)

// cpuSeconds returns the user plus system CPU time of the process.
func cpuSeconds(b *testing.B) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// BenchmarkTrainSeedMLP trains the seed configuration, 784→64→32→10 ReLU
// MLP with Adam (lr 1e-3) and batch 64, for 5 epochs on the first 10 000
// MNIST training images, through train.Run on one goroutine: the work that
// scripts/peers/torch_mlp.py MNIST_DIR 10000 5 SEED times in PyTorch.
// train.Run also predicts the 10 000 test images, which the peer's
// training time leaves out.
func BenchmarkTrainSeedMLP(b *testing.B) {
	d, err := data.Load(data.Spec{Name: "mnist", Train: 10000, NoVal: true}, 1, "")
	if err != nil {
		b.Fatal(err)
	}
	job := train.Job{
		Config: spec.Config{
			Options:  models.Options{Arch: "mlp"},
			Settings: optim.Settings{Optimizer: "adam", LR: 1e-3},
			Batch:    64, Epochs: 5,
		},
		SpecSeed: 1,
		Data:     d,
	}
	benchTrain(b, job, "run")
}

// benchTrain times train.Run of job, reporting s/<unit> and cpu-s/<unit>
// (CPU time from getrusage, since the machines are shared) and the test
// accuracy of the last run.
func benchTrain(b *testing.B, job train.Job, unit string) {
	var acc float64
	cpu0 := cpuSeconds(b)
	for b.Loop() {
		res, err := train.Run(context.Background(), job)
		if err != nil {
			b.Fatal(err)
		}
		acc = res.TestAccuracy
	}
	cpu := cpuSeconds(b) - cpu0
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/"+unit)
	b.ReportMetric(cpu/float64(b.N), "cpu-s/"+unit)
	b.ReportMetric(acc, "test-acc")
}

// BenchmarkTrainModels trains each default architecture that
// scripts/peers/torch_models.py times in PyTorch (mlp, resmlp, cnn, gru,
// transformer: study's default layer stacks) for one epoch of the first
// 10 000 MNIST training images, Adam (lr 1e-3), batch 64, through
// train.Run on one goroutine. train.Run then predicts the test images,
// which the peer leaves out, so the test set is cut to 1000 images, about
// 3 % of the epoch's work. It reports s/epoch, cpu-s/epoch and the
// accuracy on those 1000 images.
func BenchmarkTrainModels(b *testing.B) {
	d, err := data.Load(data.Spec{Name: "mnist", Train: 10000, Test: 1000, NoVal: true}, 1, "")
	if err != nil {
		b.Fatal(err)
	}
	for _, arch := range []string{"mlp", "resmlp", "cnn", "gru", "transformer"} {
		b.Run(arch, func(b *testing.B) {
			job := train.Job{
				Config: spec.Config{
					Options:  models.Options{Arch: arch},
					Settings: optim.Settings{Optimizer: "adam", LR: 1e-3},
					Batch:    64, Epochs: 1,
				},
				SpecSeed: 1,
				Data:     d,
			}
			benchTrain(b, job, "epoch")
		})
	}
}

// BenchmarkPGD crafts PGD-10 adversarial examples (L∞, ε 0.1, α 0.025,
// no random start) through attack.Craft, 100 rows a step, on the first
// 1000 MNIST test images, against study's default mlp (the seed
// 784-64-32-10 ReLU MLP) and cnn, randomly initialised from the "init"
// stream, on one goroutine: the work that scripts/peers/torch_pgd.py
// times in PyTorch with torchattacks' equations (scripts/bench-pgd-vs-torch
// runs the two side by side). It reports s/attack and cpu-s/attack, and
// the share of rows whose adversarial input the net misclassifies.
func BenchmarkPGD(b *testing.B) {
	d, err := data.Load(data.Spec{Name: "mnist", Train: 1, Test: 1000, NoVal: true}, 1, "")
	if err != nil {
		b.Fatal(err)
	}
	shape := models.Shape{In: d.In, Height: d.Height, Width: d.Width, Channels: d.Chans, Classes: d.Classes, Out: d.Classes}
	a := attack.Attack{Name: "pgd", Method: attack.PGD, Eps: 0.1, Alpha: 0.025, Steps: 10}
	n := d.NTest()
	for _, arch := range []string{"mlp", "cnn"} {
		b.Run(arch, func(b *testing.B) {
			m, err := models.New(shape, models.Options{Arch: arch}, seeds.Stream("init", 1))
			if err != nil {
				b.Fatal(err)
			}
			net := m.(*models.Stack)
			var adv []float32
			cpu0 := cpuSeconds(b)
			for b.Loop() {
				adv = attack.Craft(net, d.TestX, d.TestY, n, d.In, a, nil)
			}
			cpu := cpuSeconds(b) - cpu0
			wrong := 0
			logits := net.Forward(adv, n, false)
			for i := range n {
				row := logits[i*d.Classes : (i+1)*d.Classes]
				best := 0
				for c, v := range row {
					if v > row[best] {
						best = c
					}
				}
				if best != d.TestY[i] {
					wrong++
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/attack")
			b.ReportMetric(cpu/float64(b.N), "cpu-s/attack")
			b.ReportMetric(float64(wrong)/float64(n), "adv-err")
		})
	}
}

// gemmCase is one Sgemm call: C(m×n) = op(A)·op(B), with op(A) m×k and
// op(B) k×n.
type gemmCase struct {
	name    string
	tA, tB  blas.Transpose
	m, n, k int
}

// benchSgemm times c through blas32, which routes to the single-threaded
// Sgemm that models installs.
func benchSgemm(b *testing.B, c gemmCase) {
	rng := rand.New(rand.NewPCG(1, 2))
	fill := func(n int) []float32 {
		s := make([]float32, n)
		for i := range s {
			s[i] = rng.Float32()
		}
		return s
	}
	lda, ldb := c.k, c.n
	if c.tA != blas.NoTrans {
		lda = c.m
	}
	if c.tB != blas.NoTrans {
		ldb = c.k
	}
	a, bb, out := fill(c.m*c.k), fill(c.k*c.n), make([]float32, c.m*c.n)
	impl := blas32.Implementation()
	cpu0 := cpuSeconds(b)
	for b.Loop() {
		impl.Sgemm(c.tA, c.tB, c.m, c.n, c.k, 1, a, lda, bb, ldb, 0, out, c.n)
	}
	cpu := cpuSeconds(b) - cpu0
	flops := 2 * float64(c.m) * float64(c.n) * float64(c.k) * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	b.ReportMetric(flops/cpu/1e9, "cpu-GFLOP/s")
}

// BenchmarkSgemm64x784x64 times the two products of the seed MLP's first
// layer on a batch of 64: the forward pass x(64×784)·Wᵀ (W is 64×784) and
// the weight gradient dyᵀ(64×64)·x(64×784).
func BenchmarkSgemm64x784x64(b *testing.B) {
	for _, c := range []gemmCase{
		{"forward_x.WT", blas.NoTrans, blas.Trans, 64, 64, 784},
		{"weightgrad_dyT.x", blas.Trans, blas.NoTrans, 64, 784, 64},
		{"plain_A.B", blas.NoTrans, blas.NoTrans, 64, 64, 784},
	} {
		b.Run(c.name, func(b *testing.B) { benchSgemm(b, c) })
	}
}

// BenchmarkSgemm256x256x256 times a square product, A·B.
func BenchmarkSgemm256x256x256(b *testing.B) {
	benchSgemm(b, gemmCase{"", blas.NoTrans, blas.NoTrans, 256, 256, 256})
}

// convCase is one convolution layer of the default CNN on a batch of 64:
// a 3×3 "same" convolution of h×w×c images to out channels.
type convCase struct {
	name      string
	h, w, c   int
	out       int
	inputGrad bool // whether Backward computes the input gradient
}

// BenchmarkConv times forward plus backward (weight, bias and, except
// for the first layer, whose input needs no gradient, input gradients) of
// the two convolutions of the default CNN (models.NewCNN: 28×28×1 → 16
// channels, pool, 14×14×16 → 32 channels) on a batch of 64: the work that
// scripts/torch_conv.py times in PyTorch. It reports s/op, cpu-s/op and
// the GFLOP/s of the three products (2·rows·out·k each).
func BenchmarkConv(b *testing.B) {
	for _, c := range []convCase{
		{"28x28x1to16", 28, 28, 1, 16, false},
		{"14x14x16to32", 14, 14, 16, 32, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			const n = 64
			rng := rand.New(rand.NewPCG(1, 2))
			l := models.NewConv2D(c.h, c.w, c.c, 3, c.out, rng)
			x := make([]float32, n*c.h*c.w*c.c)
			for i := range x {
				x[i] = rng.Float32()
			}
			dy := make([]float32, n*c.h*c.w*c.out)
			for i := range dy {
				dy[i] = rng.Float32() - 0.5
			}
			cpu0 := cpuSeconds(b)
			for b.Loop() {
				l.Forward(x, n, true)
				l.Backward(dy, c.inputGrad)
			}
			cpu := cpuSeconds(b) - cpu0
			products := 2.0
			if c.inputGrad {
				products = 3
			}
			flops := products * 2 * float64(n*c.h*c.w) * float64(c.out) * float64(9*c.c) * float64(b.N)
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/op")
			b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
			b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// The metrics input copies the generator of study/metrics/bench_test.go,
// which follows scripts/peers/numpy_agreement.py: 1000 models × 10 000
// instances × 10 classes, predictions right 90% of the time, probabilities
// the softmax of N(0,1) logits with +3 on the predicted label. It takes
// 400 MB and is built once.
var (
	metricsOnce sync.Once
	metricsX    *predmat.Matrix
)

func bigMatrix() *predmat.Matrix {
	metricsOnce.Do(func() { metricsX = randomMatrix(0, 1000, 10000, 10, 0.9) })
	return metricsX
}

// randomMatrix returns m models × n instances × c classes: each prediction
// is the true label with probability acc, else a uniform class.
func randomMatrix(seed uint64, m, n, c int, acc float64) *predmat.Matrix {
	return predmattest.Random(seed, m, n, c, acc)
}

// peakRSS returns the peak resident set size of the process in bytes
// (VmHWM of /proc/self/status), and false where that is not available.
// It includes the 400 MB input and anything earlier benchmarks of the
// same process touched: run one metrics benchmark per process to read it
// (scripts/measure-scaling does).
func peakRSS() (float64, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%g kB", &kb); err != nil {
				return 0, false
			}
			return kb * 1024, true
		}
	}
	return 0, false
}

// benchMetric times f on the big matrix with one worker, the peer's single
// thread, and reports pairs (upper triangle with the diagonal) per second,
// CPU and wall seconds, allocated bytes and the process's peak RSS.
func benchMetric(b *testing.B, f func(x *predmat.Matrix) error) {
	x := bigMatrix()
	b.ReportAllocs()
	cpu0 := cpuSeconds(b)
	for b.Loop() {
		if err := f(x); err != nil {
			b.Fatal(err)
		}
	}
	cpu := cpuSeconds(b) - cpu0
	if hwm, ok := peakRSS(); ok {
		b.ReportMetric(hwm/(1<<20), "peak-RSS-MB")
	}
	pairs := float64(x.M()*(x.M()+1)/2) * float64(b.N)
	b.ReportMetric(pairs/b.Elapsed().Seconds(), "pairs/s")
	b.ReportMetric(pairs/cpu, "cpu-pairs/s")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/op")
	b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
}

// BenchmarkPairwise1000x10000 times the label and correctness measures for
// all pairs (agreement, κ, …) on one worker.
func BenchmarkPairwise1000x10000(b *testing.B) {
	benchMetric(b, func(x *predmat.Matrix) error {
		_, _, err := metrics.Pairwise(x, 1)
		return err
	})
}

// BenchmarkCAPA1000x10000 times CAPA for all pairs on one worker.
func BenchmarkCAPA1000x10000(b *testing.B) {
	benchMetric(b, func(x *predmat.Matrix) error {
		_, _, err := metrics.CAPA(x, 1)
		return err
	})
}

// BenchmarkJSD1000x10000 times the Jensen–Shannon divergence for all pairs
// on one worker.
func BenchmarkJSD1000x10000(b *testing.B) {
	benchMetric(b, func(x *predmat.Matrix) error {
		_, err := metrics.JSD(x, 1)
		return err
	})
}

// BenchmarkSweep1000TinyRuns runs a study of 1000 tiny runs (an MLP on
// moons, one run per seed) from scratch, through study.Run without the
// report, on 1 and 2 workers, at three run sizes:
//
//   - quick: the MLP runs of sweeps/quick.yaml, the smallest study that
//     the project ships (1000 training rows, 500 test rows, a 2-16-16-2
//     MLP, 20 epochs; about 3 ms a run), the size at which issue 6
//     target 4 is judged;
//   - rows=2000,epochs=7 and rows=200,epochs=3: two sizes of
//     scripts/measure-scaling (a 2-16-2 MLP, 100 test rows; about 2.5 ms
//     and 0.15–0.2 ms a run), the second a stress case in which the
//     engine's fixed cost per run outweighs the training.
//
// One iteration is one sweep into a fresh folder
// and, alternately before and after it (the timer stopped), the control:
// the same 1000 runs trained by train.Run on as many goroutines with no
// engine at all (no spec, plan, store, scheduler or writers). It reports:
//
//   - runs/s of the sweep and bare-runs/s of the control (the most this
//     machine gives one or two trainers);
//   - engine-%: the sweep's wall time on top of the control's, what the
//     engine adds to training (issue 6 target 4), spec, plan, final sync
//     and any slowing of the runs by the engine's other goroutines
//     included; the process start is not (see scripts/measure-scaling);
//   - runs-%: the sweep's wall time times the workers on top of the sum
//     of its runs' own wall times (wall_seconds), the figure that
//     scripts/measure-scaling can compute for a process, which leaves out
//     how much slower the runs train beside the engine.
func BenchmarkSweep1000TinyRuns(b *testing.B) {
	var seeds strings.Builder
	for i := 1; i <= 1000; i++ {
		if i > 1 {
			seeds.WriteString(",")
		}
		fmt.Fprint(&seeds, i)
	}
	for _, size := range []struct {
		name               string
		rows, test, epochs int
		noise              float64
		widths             string
	}{
		{"quick", 1000, 500, 20, 0.25, "16, 16"},
		{"rows=2000,epochs=7", 2000, 100, 7, 0.2, "16"},
		{"rows=200,epochs=3", 200, 100, 3, 0.2, "16"},
	} {
		specPath := filepath.Join(b.TempDir(), "tiny.yaml")
		src := fmt.Sprintf("name: tiny\nseed: 1\ndataset: {name: moons, train: %d, test: %d, noise: %g}\ntask: binary\n"+
			"fixed: {arch: mlp, widths: [%s], epochs: %d, batch: 32, optimizer: adam, lr: 0.01}\n"+
			"axes:\n  seed: [%s]\n", size.rows, size.test, size.noise, size.widths, size.epochs, seeds.String())
		if err := os.WriteFile(specPath, []byte(src), 0o644); err != nil {
			b.Fatal(err)
		}
		s, err := spec.Load(specPath)
		if err != nil {
			b.Fatal(err)
		}
		p, err := runs.NewPlan(s, b.TempDir(), study.DefaultMaxRuns)
		if err != nil {
			b.Fatal(err)
		}
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", size.name, workers), func(b *testing.B) {
				var wall, bare, sum float64
				control := func() {
					b.StopTimer()
					start := time.Now()
					trainBare(b, p, workers)
					bare += time.Since(start).Seconds()
					b.StartTimer()
				}
				i := 0
				for b.Loop() {
					if i%2 == 0 {
						control()
					}
					res := b.TempDir()
					start := time.Now()
					o := study.RunOptions{Results: res, Workers: workers, NoReport: true, MaxRuns: study.DefaultMaxRuns}
					if err := study.Run(context.Background(), specPath, o, io.Discard, io.Discard); err != nil {
						b.Fatal(err)
					}
					wall += time.Since(start).Seconds()
					b.StopTimer()
					sum += sumRunSeconds(b, res+"/tiny")
					b.StartTimer()
					if i%2 == 1 {
						control()
					}
					i++
				}
				if i%2 == 1 { // an odd count: one control more, after the last sweep (b.Loop stopped the timer)
					start := time.Now()
					trainBare(b, p, workers)
					bare = (bare + time.Since(start).Seconds()) * float64(i) / float64(i+1)
				}
				b.ReportMetric(1000*float64(b.N)/wall, "runs/s")
				b.ReportMetric(1000*float64(b.N)/bare, "bare-runs/s")
				b.ReportMetric((wall/bare-1)*100, "engine-%")
				b.ReportMetric((wall*float64(workers)/sum-1)*100, "runs-%")
			})
		}
	}
}

// trainBare trains the runs of plan p by train.Run on workers goroutines,
// as the engine's trainers do, and nothing else.
func trainBare(b *testing.B, p *runs.Plan, workers int) {
	var next atomic.Int64
	g, ctx := errgroup.WithContext(context.Background())
	for range workers {
		g.Go(func() error {
			for k := int(next.Add(1) - 1); k < len(p.Runs); k = int(next.Add(1) - 1) {
				job := train.Job{Config: p.Runs[k].Config, SpecSeed: p.Spec.Seed, Data: p.Data, Binary: true, FeatureIdx: p.FeatureIdx, Evals: p.Evals}
				if _, err := train.Run(ctx, job); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		b.Fatal(err)
	}
}

// sumRunSeconds returns the sum of the wall_seconds of the runs stored in
// results folder dir.
func sumRunSeconds(b *testing.B, dir string) float64 {
	stored, err := store.OpenRuns(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer stored.Close()
	var s float64
	for _, id := range stored.IDs() {
		run, err := stored.Get(id)
		if err != nil {
			b.Fatal(err)
		}
		s += run.Record.WallSeconds
	}
	return s
}
