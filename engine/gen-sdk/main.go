// Command gen-sdk writes taskgate's Python and Go SDKs from the provider's schema with Pulumi's
// own code generators (pkg/v3/codegen/python and codegen/go), the ones `pulumi package gen-sdk`
// runs through the pulumi-language-python and pulumi-language-go plugins. Those plugins cannot be
// had here, the generators can: this program is what the plugins would do for the two languages,
// and nothing more.
//
//	gen-sdk -schema provider/plugin/schema.json -out sdk
//
// It validates the schema against Pulumi's metaschema and binds it first (a schema Pulumi would
// refuse fails here, naming the problem), then replaces sdk/python and sdk/go whole, so a file the
// generators no longer write does not linger.
package main

import (
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sort"
	"strings"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	pygen "github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

// tool names the generator in the generated files' "do not edit" header.
const tool = "taskgate-gen-sdk"

const sdkModule = "github.com/pulumi/pulumi/sdk/v3"

// ownGoMod is this program's go.mod, whose go line (set by go mod tidy to what the Pulumi modules
// need) the Go SDK's go.mod repeats: a program using the SDK needs that Go anyway.
//
//go:embed go.mod
var ownGoMod string

func main() {
	schemaPath := flag.String("schema", "provider/plugin/schema.json", "the package schema")
	out := flag.String("out", "sdk", "the folder that holds python/ and go/")
	flag.Parse()
	if err := run(*schemaPath, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen-sdk:", err)
		os.Exit(1)
	}
}

func run(schemaPath, out string) error {
	pkg, err := load(schemaPath)
	if err != nil {
		return err
	}
	// No loader: the Python generator loads only the packages a schema depends on, and there are none.
	py, err := pygen.GeneratePackage(tool, pkg, nil, nil)
	if err != nil {
		return fmt.Errorf("python: %w", err)
	}
	if err := replaceDir(filepath.Join(out, "python"), py); err != nil {
		return err
	}
	goFiles, err := gogen.GeneratePackage(tool, pkg, nil)
	if err != nil {
		return fmt.Errorf("go: %w", err)
	}
	goMod, err := goModFile(pkg)
	if err != nil {
		return err
	}
	goFiles["go.mod"] = goMod
	return replaceDir(filepath.Join(out, "go"), goFiles)
}

// load reads the schema and binds it, with the metaschema's validation.
func load(path string) (*schema.Package, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	// taskgate references no other package, so the loader is never asked for one.
	pkg, diags, err := schema.BindSpec(spec, schema.NewNullLoader(), schema.ValidationOptions{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s does not bind: %s", path, diags.Error())
	}
	return pkg, nil
}

// goModFile is the Go SDK's go.mod: its module is the schema's importBasePath less the package's
// own folder, and it requires the Pulumi Go SDK this generator was built with (the version the
// generated code is written for) and the Go that SDK needs.
func goModFile(pkg *schema.Package) ([]byte, error) {
	info, ok := pkg.Language["go"].(gogen.GoPackageInfo)
	if !ok || info.ImportBasePath == "" {
		return nil, fmt.Errorf("the schema has no language.go.importBasePath")
	}
	module := strings.TrimSuffix(info.ImportBasePath, "/"+pkg.Name)
	version := ""
	if build, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range build.Deps {
			if dep.Path == sdkModule {
				version = dep.Version
			}
		}
	}
	if version == "" {
		return nil, fmt.Errorf("the generator was built without %s", sdkModule)
	}
	goLine := regexp.MustCompile(`(?m)^go \S+$`).FindString(ownGoMod)
	if goLine == "" {
		return nil, fmt.Errorf("engine/gen-sdk/go.mod has no go line")
	}
	return []byte(fmt.Sprintf("module %s\n\n%s\n\nrequire %s %s\n", module, goLine, sdkModule, version)), nil
}

// replaceDir empties dir and writes files (paths relative to it) in a stable order.
func replaceDir(dir string, files map[string][]byte) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}
