// Command pulumi-language-nodejs is bcos-pulumi's own, minimal Node.js language host for the
// Pulumi engine. The upstream host (module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3)
// is not served by the Go module proxy these machines reach, so scripts/install-pulumi.sh builds
// this one instead.
//
// What it does: the engine starts it with `[--logtostderr] [-v=N] [--tracing URL] <engine-address>`
// and reads the gRPC port from its stdout. For `Run` it spawns
//
//	node [runtime.options.nodeargs] <@pulumi/pulumi/cmd/run> --monitor ADDR --engine ADDR
//	     --organization O --project P --stack S --pwd DIR [--dry-run] --parallel N <entry point> [args]
//
// with PULUMI_CONFIG / PULUMI_CONFIG_SECRET_KEYS (and PULUMI_NODEJS_TYPESCRIPT /
// PULUMI_NODEJS_TSCONFIG_PATH from the `runtime.options` of Pulumi.yaml) in the environment. That
// is the contract `@pulumi/pulumi/cmd/run` (the JS half of the language host) expects. `cmd/run`
// is resolved with Node's own module resolution from the program directory, so the SDK version is
// the one the project installed.
//
// Not implemented (the engine does not need them for preview/up/destroy/refresh): synchronous
// invokes over pipes (`--sync`), debugger attach, InstallDependencies (run `npm ci` yourself),
// code generation, RunPlugin (Node.js-written provider plugins), Pack, Link.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
)

// version is set with -ldflags "-X main.version=3.248.0" by scripts/install-pulumi.sh.
var version = "0.0.0-dev"

// exitCodeAlreadyReported is the exit code `@pulumi/pulumi/cmd/run` uses after it has already
// shown the user an actionable error (nodeJSProcessExitedAfterLoggingUserActionableMessage).
const exitCodeAlreadyReported = 32

func main() {
	engineAddress := ""
	args := os.Args[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--tracing" || a == "-tracing":
			i++ // flag with a separate value; tracing is not supported, skip it
		case strings.HasPrefix(a, "-"):
			// --logtostderr, -v=N, --tracing=URL, ...: accepted and ignored
		default:
			engineAddress = a
		}
	}

	host := &nodeHost{engineAddress: engineAddress}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start the gRPC server: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from our stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: gRPC server stopped: %v\n", err)
		os.Exit(1)
	}
}

type nodeHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
}

func (h *nodeHost) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *nodeHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

func (h *nodeHost) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, fmt.Errorf("could not find node on $PATH: %w", err)
	}
	out, err := exec.Command(node, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{Executable: node, Version: strings.TrimSpace(string(out))}, nil
}

func (h *nodeHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (h *nodeHost) RuntimeOptionsPrompts(context.Context, *pulumirpc.RuntimeOptionsRequest,
) (*pulumirpc.RuntimeOptionsResponse, error) {
	return &pulumirpc.RuntimeOptionsResponse{}, nil
}

func (h *nodeHost) InstallDependencies(*pulumirpc.InstallDependenciesRequest,
	grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	return status.Error(codes.Unimplemented,
		"this language host (bcos-pulumi) does not install dependencies: run `npm ci` in the project")
}

// packageJSON holds the fields of a package.json that matter here.
type packageJSON struct {
	Name            string            `json:"name"`
	Version         string            `json:"version"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
	Pulumi          struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

func readPackageJSON(path string) (*packageJSON, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var p packageJSON
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &p, nil
}

// nodeModulesDirs lists the node_modules folders Node would search from dir, up to and including
// root (or up to / when root is empty or not an ancestor).
func nodeModulesDirs(dir, root string) []string {
	var dirs []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		nm := filepath.Join(d, "node_modules")
		if fi, err := os.Stat(nm); err == nil && fi.IsDir() {
			dirs = append(dirs, nm)
		}
		if d == filepath.Clean(root) || filepath.Dir(d) == d {
			break
		}
	}
	return dirs
}

// GetRequiredPackages reports the resource plugins of the installed Pulumi SDK packages: every
// top-level (or scoped) package in node_modules whose package.json has `"pulumi": {"resource": true}`.
func (h *nodeHost) GetRequiredPackages(_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	info := req.GetInfo()
	seen := map[string]bool{}
	var pkgs []*pulumirpc.PackageDependency
	for _, nm := range nodeModulesDirs(info.GetProgramDirectory(), info.GetRootDirectory()) {
		var candidates []string
		entries, _ := os.ReadDir(nm)
		for _, e := range entries {
			name := e.Name()
			if strings.HasPrefix(name, "@") {
				scoped, _ := os.ReadDir(filepath.Join(nm, name))
				for _, s := range scoped {
					candidates = append(candidates, filepath.Join(nm, name, s.Name()))
				}
			} else if !strings.HasPrefix(name, ".") {
				candidates = append(candidates, filepath.Join(nm, name))
			}
		}
		for _, dir := range candidates {
			p, err := readPackageJSON(filepath.Join(dir, "package.json"))
			if err != nil || !p.Pulumi.Resource {
				continue
			}
			name := p.Pulumi.Name
			if name == "" {
				name = strings.TrimPrefix(p.Name, "@pulumi/")
			}
			v := p.Pulumi.Version
			if v == "" {
				v = p.Version
			}
			if v != "" && !strings.HasPrefix(v, "v") {
				v = "v" + v
			}
			if seen[name+"@"+v] {
				continue
			}
			seen[name+"@"+v] = true
			pkgs = append(pkgs, &pulumirpc.PackageDependency{
				Name: name, Kind: "resource", Version: v, Server: p.Pulumi.Server,
			})
		}
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: pkgs}, nil
}

func (h *nodeHost) GetRequiredPlugins(ctx context.Context, req *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	resp, err := h.GetRequiredPackages(ctx, &pulumirpc.GetRequiredPackagesRequest{Info: req.GetInfo()})
	if err != nil {
		return nil, err
	}
	var plugins []*pulumirpc.PluginDependency
	for _, p := range resp.GetPackages() {
		plugins = append(plugins, &pulumirpc.PluginDependency{
			Name: p.GetName(), Kind: p.GetKind(), Version: p.GetVersion(), Server: p.GetServer(),
		})
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

// GetProgramDependencies lists the project's direct dependencies with their installed versions
// (used by `pulumi about`).
func (h *nodeHost) GetProgramDependencies(_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	p, err := readPackageJSON(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for n := range p.Dependencies {
		names[n] = true
	}
	if req.GetTransitiveDependencies() {
		for n := range p.DevDependencies {
			names[n] = true
		}
	}
	var sorted []string
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	var deps []*pulumirpc.DependencyInfo
	for _, n := range sorted {
		v := p.Dependencies[n]
		if v == "" {
			v = p.DevDependencies[n]
		}
		for _, nm := range nodeModulesDirs(dir, req.GetInfo().GetRootDirectory()) {
			if ip, err := readPackageJSON(filepath.Join(nm, n, "package.json")); err == nil {
				v = ip.Version
				break
			}
		}
		deps = append(deps, &pulumirpc.DependencyInfo{Name: n, Version: v})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

// runOptions are the `runtime.options` of Pulumi.yaml that this host honours.
type runOptions struct {
	typescript   bool
	tsconfigPath string
	nodeArgs     []string
}

func parseRunOptions(m map[string]any) (runOptions, error) {
	o := runOptions{typescript: true}
	if v, ok := m["typescript"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return o, errors.New("runtime option 'typescript' must be a boolean")
		}
		o.typescript = b
	}
	if v, ok := m["tsconfig"]; ok {
		s, isString := v.(string)
		if !isString {
			return o, errors.New("runtime option 'tsconfig' must be a string")
		}
		o.tsconfigPath = s
	}
	if v, ok := m["nodeargs"]; ok {
		s, isString := v.(string)
		if !isString {
			return o, errors.New("runtime option 'nodeargs' must be a string")
		}
		o.nodeArgs = strings.Fields(s)
	}
	if v, ok := m["packagemanager"]; ok {
		if s, _ := v.(string); s != "" && s != "npm" {
			return o, fmt.Errorf("runtime option packagemanager=%q is not supported by this language host", s)
		}
	}
	return o, nil
}

// resolveRunScript finds `@pulumi/pulumi/cmd/run` the way Node would from the program directory.
func resolveRunScript(nodeBin, programDir string) (string, error) {
	if p := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH"); p != "" {
		return p, nil
	}
	cmd := exec.Command(nodeBin, "-e", "process.stdout.write(require.resolve('@pulumi/pulumi/cmd/run'))")
	cmd.Dir = programDir
	out, err := cmd.Output()
	if err != nil || len(out) == 0 {
		return "", fmt.Errorf("could not find @pulumi/pulumi from %s (has `npm ci` been run?): %v", programDir, err)
	}
	return string(out), nil
}

func (h *nodeHost) Run(_ context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	programDir := info.GetProgramDirectory()
	if programDir == "" {
		programDir = req.GetPwd()
	}
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = req.GetProgram()
	}
	if entry == "" {
		entry = "."
	}

	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return &pulumirpc.RunResponse{Error: "could not find node on $PATH: " + err.Error()}, nil
	}
	runPath, err := resolveRunScript(nodeBin, programDir)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	opts, err := parseRunOptions(info.GetOptions().AsMap())
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	h.mu.Lock()
	engineAddress := h.engineAddress
	h.mu.Unlock()

	args := append([]string{}, opts.nodeArgs...)
	args = append(args, runPath)
	add := func(k, v string) {
		if v != "" {
			args = append(args, "--"+k, v)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", engineAddress)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("stack", req.GetStack())
	add("root-directory", info.GetRootDirectory())
	add("pwd", programDir)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	add("query-mode", strconv.FormatBool(req.GetQueryMode()))
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	args = append(args, entry)
	args = append(args, req.GetArgs()...)

	cfg := req.GetConfig()
	if cfg == nil {
		cfg = map[string]string{}
	}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return &pulumirpc.RunResponse{Error: "serialising config: " + err.Error()}, nil
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return &pulumirpc.RunResponse{Error: "serialising config secret keys: " + err.Error()}, nil
	}

	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(cfgJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretJSON),
	)
	if opts.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if opts.tsconfigPath != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfigPath)
	}

	cmd := exec.Command(nodeBin, args...) // #nosec G204 -- running the user's program is the point
	cmd.Dir = programDir
	cmd.Env = env
	// Node may switch its stdio to non-blocking mode; wrapping the files keeps that away from ours.
	cmd.Stdout = struct{ *os.File }{os.Stdout}
	cmd.Stderr = struct{ *os.File }{os.Stderr}

	err = cmd.Run()
	_ = os.Stdout.Sync()
	_ = os.Stderr.Sync()

	if err == nil {
		return &pulumirpc.RunResponse{}, nil
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		if exitErr.ExitCode() == exitCodeAlreadyReported {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode()),
		}, nil
	}
	return &pulumirpc.RunResponse{Error: "problem executing program: " + err.Error()}, nil
}
