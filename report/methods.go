package report

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// bibEntries are the papers the report can cite, by citation key.
var bibEntries = map[string]string{
	"bommasani2022picking": `@inproceedings{bommasani2022picking,
  title     = {Picking on the Same Person: Does Algorithmic Monoculture lead to Outcome Homogenization?},
  author    = {Bommasani, Rishi and Creel, Kathleen A. and Kumar, Ananya and Jurafsky, Dan and Liang, Percy},
  booktitle = {Advances in Neural Information Processing Systems},
  volume    = {35},
  year      = {2022}
}`,
	"geirhos2020beyond": `@inproceedings{geirhos2020beyond,
  title     = {Beyond Accuracy: Quantifying Trial-by-Trial Behaviour of {CNNs} and Humans by Measuring Error Consistency},
  author    = {Geirhos, Robert and Meding, Kristof and Wichmann, Felix A.},
  booktitle = {Advances in Neural Information Processing Systems},
  volume    = {33},
  pages     = {13890--13902},
  year      = {2020}
}`,
	"kuncheva2003measures": `@article{kuncheva2003measures,
  title   = {Measures of Diversity in Classifier Ensembles and Their Relationship with the Ensemble Accuracy},
  author  = {Kuncheva, Ludmila I. and Whitaker, Christopher J.},
  journal = {Machine Learning},
  volume  = {51},
  number  = {2},
  pages   = {181--207},
  year    = {2003}
}`,
	"cohen1960coefficient": `@article{cohen1960coefficient,
  title   = {A Coefficient of Agreement for Nominal Scales},
  author  = {Cohen, Jacob},
  journal = {Educational and Psychological Measurement},
  volume  = {20},
  number  = {1},
  pages   = {37--46},
  year    = {1960}
}`,
	"fleiss1971measuring": `@article{fleiss1971measuring,
  title   = {Measuring Nominal Scale Agreement Among Many Raters},
  author  = {Fleiss, Joseph L.},
  journal = {Psychological Bulletin},
  volume  = {76},
  number  = {5},
  pages   = {378--382},
  year    = {1971}
}`,
	"goel2025great": `@article{goel2025great,
  title   = {Great Models Think Alike and this Undermines {AI} Oversight},
  author  = {Goel, Shashwat and Str{\"u}ber, Joschka and Auzina, Ilze Amanda and Chandra, Karuna K. and Kumaraguru, Ponnurangam and Kiela, Douwe and Prabhu, Ameya and Bethge, Matthias and Geiping, Jonas},
  journal = {arXiv preprint arXiv:2502.04313},
  year    = {2025}
}`,
	"kim2025correlated": `@inproceedings{kim2025correlated,
  title     = {Correlated Errors in Large Language Models},
  author    = {Kim, Elliot Myunghoon and Garg, Avi and Peng, Kenny and Garg, Nikhil},
  booktitle = {Proceedings of the 42nd International Conference on Machine Learning},
  series    = {Proceedings of Machine Learning Research},
  volume    = {267},
  pages     = {30038--30066},
  year      = {2025}
}`,
	"fort2019deep": `@article{fort2019deep,
  title   = {Deep Ensembles: A Loss Landscape Perspective},
  author  = {Fort, Stanislav and Hu, Huiyi and Lakshminarayanan, Balaji},
  journal = {arXiv preprint arXiv:1912.02757},
  year    = {2019}
}`,
	"owen2007pigeonhole": `@article{owen2007pigeonhole,
  title   = {The Pigeonhole Bootstrap},
  author  = {Owen, Art B.},
  journal = {The Annals of Applied Statistics},
  volume  = {1},
  number  = {2},
  pages   = {386--411},
  year    = {2007}
}`,
	"cameron2015practitioner": `@article{cameron2015practitioner,
  title   = {A Practitioner's Guide to Cluster-Robust Inference},
  author  = {Cameron, A. Colin and Miller, Douglas L.},
  journal = {Journal of Human Resources},
  volume  = {50},
  number  = {2},
  pages   = {317--372},
  year    = {2015}
}`,
	"kornblith2019similarity": `@inproceedings{kornblith2019similarity,
  title     = {Similarity of Neural Network Representations Revisited},
  author    = {Kornblith, Simon and Norouzi, Mohammad and Lee, Honglak and Hinton, Geoffrey},
  booktitle = {Proceedings of the 36th International Conference on Machine Learning},
  series    = {Proceedings of Machine Learning Research},
  volume    = {97},
  pages     = {3519--3529},
  year      = {2019}
}`,
	"huh2024platonic": `@inproceedings{huh2024platonic,
  title     = {Position: The Platonic Representation Hypothesis},
  author    = {Huh, Minyoung and Cheung, Brian and Wang, Tongzhou and Isola, Phillip},
  booktitle = {Proceedings of the 41st International Conference on Machine Learning},
  series    = {Proceedings of Machine Learning Research},
  volume    = {235},
  pages     = {20617--20642},
  year      = {2024}
}`,
	"jiang2022assessing": `@inproceedings{jiang2022assessing,
  title     = {Assessing Generalization of {SGD} via Disagreement},
  author    = {Jiang, Yiding and Nagarajan, Vaishnavh and Baek, Christina and Kolter, J. Zico},
  booktitle = {International Conference on Learning Representations},
  year      = {2022}
}`,
	"baek2022agreement": `@inproceedings{baek2022agreement,
  title     = {Agreement-on-the-Line: Predicting the Performance of Neural Networks under Distribution Shift},
  author    = {Baek, Christina and Jiang, Yiding and Raghunathan, Aditi and Kolter, J. Zico},
  booktitle = {Advances in Neural Information Processing Systems},
  volume    = {35},
  year      = {2022}
}`,
	"toups2023ecosystem": `@inproceedings{toups2023ecosystem,
  title     = {Ecosystem-level Analysis of Deployed Machine Learning Reveals Homogeneous Outcomes},
  author    = {Toups, Connor and Bommasani, Rishi and Creel, Kathleen A. and Bana, Sarah H. and Jurafsky, Dan and Liang, Percy},
  booktitle = {Advances in Neural Information Processing Systems},
  volume    = {36},
  year      = {2023}
}`,
	"mu2019mnist": `@article{mu2019mnist,
  title   = {{MNIST-C}: A Robustness Benchmark for Computer Vision},
  author  = {Mu, Norman and Gilmer, Justin},
  journal = {arXiv preprint arXiv:1906.02337},
  year    = {2019}
}`,
	"lecun1998gradient": `@article{lecun1998gradient,
  title   = {Gradient-Based Learning Applied to Document Recognition},
  author  = {LeCun, Yann and Bottou, L{\'e}on and Bengio, Yoshua and Haffner, Patrick},
  journal = {Proceedings of the IEEE},
  volume  = {86},
  number  = {11},
  pages   = {2278--2324},
  year    = {1998}
}`,
}

// bibliography returns the BibTeX entries of keys, in the order given.
func bibliography(keys []string) []byte {
	var b bytes.Buffer
	b.WriteString("% Generated by study report: the papers cited in methods.md.\n")
	for _, k := range keys {
		if e, ok := bibEntries[k]; ok {
			b.WriteString("\n" + e + "\n")
		}
	}
	return b.Bytes()
}

// specFacts are the few spec fields the methods paragraph names, read
// from the spec as given; absent fields are empty.
type specFacts struct {
	Dataset struct {
		Name string  `yaml:"name"`
		Val  float64 `yaml:"val"`
	} `yaml:"dataset"`
	Task     string           `yaml:"task"`
	Seed     any              `yaml:"seed"`
	EvalSets []map[string]any `yaml:"eval_sets"`
}

// methodsSource writes the methods paragraphs as plain text, citations
// marked by cite (see methods_tex.go), and returns the keys cited, in
// order of first citation. methods and methodsTeX render it.
func (b *built) methodsSource() ([]byte, []string) {
	in := b.in
	var keys []string
	cite := func(ks ...string) string {
		for _, k := range ks {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		return citeMark(ks)
	}
	var spec specFacts
	_ = yaml.Unmarshal([]byte(in.SpecYAML), &spec) // best effort: a spec that does not parse names nothing
	var w bytes.Buffer

	ok, failed := 0, 0
	for _, r := range in.Runs {
		switch r.Status {
		case StatusOK:
			ok++
		case StatusFailed:
			failed++
		}
	}
	data := "the test set"
	if spec.Dataset.Name != "" {
		data = "the " + strings.ToUpper(noControl(spec.Dataset.Name)) + " test set"
		if strings.EqualFold(spec.Dataset.Name, "mnist") {
			data += " " + cite("lecun1998gradient")
		}
	}
	if in.Matrix != nil {
		data += fmt.Sprintf(" (%d instances, %d classes)", in.Matrix.N(), in.Matrix.Classes)
	} else if in.Metrics != nil {
		data += fmt.Sprintf(" (%d instances, %d classes)", in.Metrics.NInstances, in.Metrics.NClasses)
	}
	if in.Analyzed != nil {
		w.WriteString(analyzedMethods(in.Analyzed, len(in.Runs)))
	} else if len(in.Runs) > 0 {
		fmt.Fprintf(&w, "We trained a grid of %d runs", len(in.Runs))
		if len(in.Axes) > 0 {
			var axes []string
			for _, a := range in.Axes {
				axes = append(axes, fmt.Sprintf("%s (%s)", noControl(a.Key), noControl(strings.Join(a.Values, ", "))))
			}
			fmt.Fprintf(&w, " varying %s", joinAnd(axes))
		}
		fmt.Fprintf(&w, "; %d finished", ok)
		if failed > 0 {
			fmt.Fprintf(&w, " and %d failed", failed)
		}
		fmt.Fprintf(&w, ". ")
	}
	if fams, _ := familyGroups(b.fams); len(fams) > 0 {
		for i := range fams {
			fams[i] = noControl(fams[i])
		}
		fmt.Fprintf(&w, "The %d models compared come from %d model %s (%s). ", len(in.Models), len(fams), plural(len(fams), "family", "families"), strings.Join(fams, ", "))
	}
	if spec.Task != "" {
		fmt.Fprintf(&w, "The task is %s classification. ", noControl(spec.Task))
	}
	fmt.Fprintf(&w, "We compare the models' predictions on %s.%s\n\n", data, b.trainingMethods(spec.Dataset.Val))

	if r := in.Metrics; r != nil {
		fmt.Fprintf(&w, "For every pair of models we measure agreement (the fraction of instances with the same predicted label), Cohen's κ %s, error consistency %s, Yule's Q, the correlation ρ and the double-fault rate of their correctness %s", cite("cohen1960coefficient"), cite("geirhos2020beyond"), cite("kuncheva2003measures"))
		if r.Pairwise.JSD != nil {
			fmt.Fprintf(&w, ", the Jensen–Shannon divergence of their predicted distributions")
		}
		if r.Pairwise.CAPA != nil {
			fmt.Fprintf(&w, ", chance-adjusted probabilistic agreement (CAPA) %s", cite("goel2025great"))
		}
		fmt.Fprintf(&w, ", agreement on instances both get wrong %s and error-normalised disagreement %s. ", cite("kim2025correlated"), cite("fort2019deep"))
		var stats strings.Builder
		b.statisticsMethods(&stats, r, cite)
		w.WriteString(stats.String())
		if b.x.hasAttribution && len(b.x.attribution) > 0 {
			fmt.Fprintf(&w, " %s", attributionMethods(b.x.attrSummary, b.x.hasIntervals(), cite))
		}
		w.WriteString(b.representationMethods(cite))
		w.WriteString(b.explanationMethodsText())
		if b.x.hasRecipes && len(b.x.recipes) > 0 {
			fmt.Fprint(&w, genDisMethods(b.x.recipes, cite))
		}
		if len(b.x.onTheLine) > 0 || len(spec.EvalSets) > 0 {
			fmt.Fprintf(&w, " Under distribution shift, every model is also evaluated on %d corrupted copies of the test set", max(len(spec.EvalSets), len(b.x.onTheLine)))
			if c := corruptionMethods(spec.EvalSets); c != "" {
				fmt.Fprintf(&w, ": %s", c)
			}
			fmt.Fprintf(&w, ". The corruptions are this harness's own, not a published benchmark")
			if strings.EqualFold(spec.Dataset.Name, "mnist") {
				fmt.Fprintf(&w, "; MNIST-C %s is the closest published suite for MNIST", cite("mu2019mnist"))
			}
			fmt.Fprintf(&w, ". We test whether agreement predicts out-of-distribution accuracy %s.", cite("baek2022agreement"))
		}
		w.WriteString(b.robustnessMethods(cite))
		w.WriteString(softwareMethods(in.Environment))
		fmt.Fprintf(&w, "\n")
	}
	return w.Bytes(), keys
}

// joinAnd joins items as "a, b and c".
func joinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// softwareMethods names the software that trained and measured the
// models, from the study's environment.json: study's git commit, the Go
// release and the modules that shape results. Nothing when the
// environment is unknown (predictions given to analyze).
func softwareMethods(env map[string]string) string {
	if env["go"] == "" {
		return ""
	}
	var parts []string
	if c := env["git commit"]; c != "" {
		parts = append(parts, "study at git commit "+noControl(c))
	} else {
		parts = append(parts, "study")
	}
	parts = append(parts, "built with "+noControl(env["go"]))
	if m := env["modules"]; m != "" {
		parts = append(parts, "with "+noControl(m))
	}
	return " Software: " + strings.Join(parts, ", ") + "."
}
