// Parses CEL expressions the way Istio's validation parses a Telemetry access-log filter
// (pkg/config/validation: cel.NewEnv() then env.Parse) and prints one JSON line per input line:
// {"ok":true} or {"ok":false,"error":"<issue.Err() text>"}. Input: one JSON string per line.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"github.com/google/cel-go/cel"
)

func main() {
	env, err := cel.NewEnv()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var expression string
		if err := json.Unmarshal(in.Bytes(), &expression); err != nil {
			fmt.Fprintln(os.Stderr, "input line is not a JSON string:", err)
			os.Exit(2)
		}
		_, issues := env.Parse(expression)
		if issues.Err() != nil {
			_ = out.Encode(map[string]any{"ok": false, "error": issues.Err().Error()})
		} else {
			_ = out.Encode(map[string]any{"ok": true})
		}
	}
}
