// Command vs-istio-analyzers runs every analyzer that `istioctl analyze` runs
// over a set of manifest files, keeping every kind (Pods, Deployments, ...) the
// way Istio's own analyzer tests load their inputs, and prints one JSON line per
// message: {"code","level","origin","file","line","message"}.
//
//	vs-istio-analyzers [-mesh-config FILE] [-mesh-networks FILE] FILE...
//
// Objects without a namespace keep none, as Istio's analyzer tests load them.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"istio.io/istio/pkg/config/analysis/analyzers"
	"istio.io/istio/pkg/config/analysis/local"
)

type line struct {
	Code    string `json:"code"`
	Level   string `json:"level"`
	Origin  string `json:"origin"`
	File    string `json:"file,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message,omitempty"`
}

func main() {
	meshConfig := flag.String("mesh-config", "", "MeshConfig file")
	meshNetworks := flag.String("mesh-networks", "", "MeshNetworks file")
	flag.Parse()
	if err := run(*meshConfig, *meshNetworks, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "vs-istio-analyzers:", err)
		os.Exit(2)
	}
}

func run(meshConfig, meshNetworks string, files []string) error {
	sa := local.NewSourceAnalyzer(analyzers.AllCombined(), "", "istio-system", nil)
	if meshConfig != "" {
		if err := sa.AddFileKubeMeshConfig(meshConfig); err != nil {
			return fmt.Errorf("mesh config %s: %v", meshConfig, err)
		}
	}
	if meshNetworks != "" {
		if err := sa.AddFileKubeMeshNetworks(meshNetworks); err != nil {
			return fmt.Errorf("mesh networks %s: %v", meshNetworks, err)
		}
	}
	var readers []local.ReaderSource
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			return err
		}
		defer r.Close()
		readers = append(readers, local.ReaderSource{Name: f, Reader: r})
	}
	if err := sa.AddTestReaderKubeSource(readers); err != nil {
		return err
	}
	if err := sa.AddDefaultResources(); err != nil {
		return err
	}
	result, err := sa.Analyze(make(chan struct{}))
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	for _, m := range result.Messages {
		out := line{Code: m.Type.Code(), Level: m.Type.Level().String(), Line: m.Line, Message: m.String()}
		if m.Resource != nil {
			out.Origin = m.Resource.Origin.FriendlyName()
			if m.Resource.Origin.Reference() != nil {
				out.File = m.Resource.Origin.Reference().String()
			}
		}
		if err := enc.Encode(out); err != nil {
			return err
		}
	}
	return nil
}
