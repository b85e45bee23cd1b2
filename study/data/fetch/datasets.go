package fetch

import (
	"sort"

	"github.com/study-harness/study/study/data"
)

// CIFAR10 is CIFAR-10's binary version. The MD5 is the one the dataset's
// page publishes (https://www.cs.toronto.edu/~kriz/cifar.html); size and
// SHA-256 are as others record them (torchvision, TensorFlow Datasets).
var CIFAR10 = Dataset{
	Name: "cifar10",
	Archive: &File{
		Name: "cifar-10-binary.tar.gz",
		URL:  "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
		Pin: Pin{
			Size:   170052171,
			MD5:    "c32a1d4ab5d03f1284b67883e8d87530",
			SHA256: "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
		},
	},
	Members: cifarMembers(),
	Source:  "CIFAR-10, A. Krizhevsky, \"Learning Multiple Layers of Features from Tiny Images\", 2009",
}

func cifarMembers() []string {
	out := make([]string, 0, len(data.CIFARFiles)+1)
	for _, f := range data.CIFARFiles {
		out = append(out, "cifar-10-batches-bin/"+f)
	}
	return append(out, "cifar-10-batches-bin/batches.meta.txt")
}

// fashionURL is where Zalando publishes Fashion-MNIST's files.
const fashionURL = "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/"

// FashionMNIST is Fashion-MNIST's four gzipped IDX files. The MD5s of
// the gzip files are the ones Zalando's README publishes; the size and
// SHA-256 of their content were recorded from Debian's
// dataset-fashion-mnist 0.0~git20200523.55506a9-1, whose gzip files are
// recompressed (other MD5s) but hold the same bytes.
var FashionMNIST = Dataset{
	Name: "fashion-mnist",
	Files: []File{
		{Name: "train-images-idx3-ubyte.gz", URL: fashionURL + "train-images-idx3-ubyte.gz",
			Pin:     Pin{MD5: "8d4fb7e6c68d591d4c3dfef9ec88bf0d"},
			Content: &Pin{Size: 47040016, SHA256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"}},
		{Name: "train-labels-idx1-ubyte.gz", URL: fashionURL + "train-labels-idx1-ubyte.gz",
			Pin:     Pin{MD5: "25c81989df183df01b3e8a0aad5dffbe"},
			Content: &Pin{Size: 60008, SHA256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"}},
		{Name: "t10k-images-idx3-ubyte.gz", URL: fashionURL + "t10k-images-idx3-ubyte.gz",
			Pin:     Pin{MD5: "bef4ecab320f06d8554ea6380940ec79"},
			Content: &Pin{Size: 7840016, SHA256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"}},
		{Name: "t10k-labels-idx1-ubyte.gz", URL: fashionURL + "t10k-labels-idx1-ubyte.gz",
			Pin:     Pin{MD5: "bb300cfdad3c16e7a12a480ee83cd310"},
			Content: &Pin{Size: 10008, SHA256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"}},
	},
	Source: "Fashion-MNIST, H. Xiao, K. Rasul, R. Vollgraf, Zalando SE 2017, MIT licence",
}

// Known are the datasets `study data fetch` knows, by name.
var Known = map[string]Dataset{CIFAR10.Name: CIFAR10, FashionMNIST.Name: FashionMNIST}

// Names returns the names of Known, sorted.
func Names() []string {
	out := make([]string, 0, len(Known))
	for n := range Known {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
