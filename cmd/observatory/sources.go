package main

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/observatory-net/observatory/internal/sources"
)

func init() { register(newSourcesCmd) }

func newSourcesCmd() *cobra.Command {
	var file, format string
	cmd := &cobra.Command{
		Use:   "sources [--sources FILE] [--format yaml|json|defaults]",
		Short: "Print the effective sources catalogue",
		Long: `sources prints the catalogue fetch and run use: the built-in defaults
with the user file of --sources merged over them. --format defaults prints
the built-in file itself, with its comments: a starting point for a user file.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format == "defaults" {
				_, err := cmd.OutOrStdout().Write(sources.DefaultYAML())
				return err
			}
			c, err := sources.Load(file)
			if err != nil {
				return usageError(err)
			}
			switch format {
			case "json":
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(c)
			case "yaml":
				enc := yaml.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent(2)
				return enc.Encode(c)
			}
			return usageError(fmt.Errorf("--format %q: want yaml, json or defaults", format))
		},
	}
	cmd.Flags().StringVar(&file, "sources", "", "user sources file merged over the defaults")
	cmd.Flags().StringVar(&format, "format", "yaml", "yaml, json or defaults")
	return cmd
}
