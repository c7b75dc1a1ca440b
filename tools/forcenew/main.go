// Command forcenew prints, as JSON, for each resource type of the pinned google provider (the
// types named on the command line, or all), the attribute paths whose change makes Terraform
// replace the resource: the facts `make review` flags replacements from.
//
// go.mod requires exactly the provider version pace_infra/tools/toolchain/pins.py builds, so the
// dependency versions are the provider's own; go.sum holds the provider's pinned hash and lines
// of the provider's go.sum at its release commit, nothing else (`go mod tidy` only removed lines).
// Run it through `python -m pace_infra.tools.review.forcenew`, which builds it into the tool cache.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/hashicorp/terraform-provider-google/google/fwprovider"
	"github.com/hashicorp/terraform-provider-google/google/provider"
)

// replacing collects, under prefix, the paths of settable fields whose change forces a new
// resource, and the blocks whose addition or removal does. It follows schemaMap.diff in
// terraform-plugin-sdk/v2 helper/schema/schema.go: a primitive (or a list, set or map of
// primitives) marked ForceNew replaces on any change; a block (list or set of *Resource) marked
// ForceNew replaces when its element count changes, while the fields inside keep their own flags.
func replacing(prefix string, fields map[string]*schema.Schema, attrs, blocks *[]string) {
	for name, field := range fields {
		if !field.Optional && !field.Required {
			continue // computed only: never in configuration
		}
		path := prefix + name
		block, nested := field.Elem.(*schema.Resource)
		switch {
		case nested && field.ForceNew:
			*blocks = append(*blocks, path)
			replacing(path+".", block.SchemaMap(), attrs, blocks)
		case nested:
			replacing(path+".", block.SchemaMap(), attrs, blocks)
		case field.ForceNew:
			*attrs = append(*attrs, path)
		}
	}
}

type forceNew struct {
	Attributes []string `json:"attributes"` // any change replaces
	Blocks     []string `json:"blocks"`     // adding or removing the block replaces
}

func main() {
	sdk := provider.Provider()
	if n := len(fwprovider.New(sdk).Resources(context.Background())); n != 0 {
		fmt.Fprintf(os.Stderr, "forcenew: %d plugin-framework resources are not read\n", n)
		os.Exit(1)
	}
	wanted := map[string]bool{}
	for _, name := range os.Args[1:] {
		wanted[name] = true
	}
	result := map[string]forceNew{}
	for name, resource := range sdk.ResourcesMap {
		if len(wanted) > 0 && !wanted[name] {
			continue
		}
		found := forceNew{Attributes: []string{}, Blocks: []string{}}
		replacing("", resource.SchemaMap(), &found.Attributes, &found.Blocks)
		sort.Strings(found.Attributes)
		sort.Strings(found.Blocks)
		result[name] = found
	}
	for name := range wanted {
		if _, ok := result[name]; !ok {
			fmt.Fprintf(os.Stderr, "forcenew: no resource type %s\n", strings.TrimSpace(name))
			os.Exit(1)
		}
	}
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(result); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
