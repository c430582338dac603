// Command etcd is the etcd server at the version k8s.io/kubernetes pins, so the
// test control plane runs the etcd its API server is tested against.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
