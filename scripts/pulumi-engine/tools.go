//go:build tools

// Package tools pins the engine's main package so `go mod tidy` keeps its dependencies;
// install-pulumi.sh builds it with `go build github.com/pulumi/pulumi/pkg/v3/cmd/pulumi`.
package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
