// Command kube is a Kubernetes control plane in one binary: etcd, kube-apiserver,
// kube-controller-manager and kubectl, built from the upstream Go modules of one
// Kubernetes version (chosen by the module file, see cluster/modules). It dispatches on
// the name it is called by (a symlink named kubectl) or on its first argument
// (`kube kubectl get pods`). `kube pki DIR` writes the certificates a local cluster needs.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	_ "time/tzdata" // CronJob time zones, as in the upstream binaries

	"go.etcd.io/etcd/server/v3/etcdmain"
	_ "k8s.io/client-go/plugin/pkg/client/auth" // kubectl's client auth plugins
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // --logging-format=json
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics
	_ "k8s.io/component-base/metrics/prometheus/version"  // version metric
	"k8s.io/component-base/version"
	kubectl "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

var commands = map[string]func(args []string) int{
	"etcd": func(args []string) int {
		etcdmain.Main(args)
		return 0
	},
	"kube-apiserver": func([]string) int {
		return cli.Run(apiserver.NewAPIServerCommand())
	},
	"kube-controller-manager": func([]string) int {
		return cli.Run(controllermanager.NewControllerManagerCommand())
	},
	"kubectl": func([]string) int {
		if err := cli.RunNoErrOutput(kubectl.NewDefaultKubectlCommand()); err != nil {
			kubectlutil.CheckErr(err)
		}
		return 0
	},
	"pki": func(args []string) int {
		if len(args) != 2 {
			fmt.Fprintln(os.Stderr, "usage: kube pki DIR")
			return 2
		}
		if err := writePKI(args[1]); err != nil {
			fmt.Fprintf(os.Stderr, "kube pki: %v\n", err)
			return 1
		}
		return 0
	},
	"version": func([]string) int {
		fmt.Println(version.Get().GitVersion)
		return 0
	},
}

func main() {
	args := os.Args
	if _, ok := commands[filepath.Base(args[0])]; !ok {
		args = args[1:]
	}
	if len(args) == 0 {
		usage()
		os.Exit(2)
	}
	command, ok := commands[filepath.Base(args[0])]
	if !ok {
		fmt.Fprintf(os.Stderr, "kube: unknown command %q\n", args[0])
		usage()
		os.Exit(2)
	}
	// Each component parses os.Args[1:] itself, as if it were its own binary.
	os.Args = args
	os.Exit(command(args))
}

func usage() {
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	fmt.Fprintf(os.Stderr, "usage: kube COMMAND [ARGS...]   (Kubernetes %s)\ncommands: %v\n", version.Get().GitVersion, names)
}
