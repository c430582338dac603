// Command envoy-types prints, as JSON, the Envoy v3 message types Istio's EnvoyFilter validation
// unmarshals patch values into (the registry of the analyzer binary: the same imports), for
// src/istio/validation/envoy-types.ts (scripts/envoy-types.mjs writes it):
//
//	{"known": [every registered message name],
//	 "messages": {name: [[field, jsonName, kind, type, label, oneof], ...]},
//	 "enums": {name: [value names]}}
//
// kind is the protobuf kind (string, int32, message, enum, ...), type the message or enum name,
// label "repeated", "map" (then type is the value's and kind the value's kind) or "", oneof the
// name of the oneof the field belongs to ("" when none). Messages are the closure of the roots.
package main

import (
	"encoding/json"
	"os"
	"sort"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	_ "istio.io/istio/pkg/config/analysis/analyzers"
)

func main() {
	known := []string{}
	protoregistry.GlobalTypes.RangeMessages(func(mt protoreflect.MessageType) bool {
		known = append(known, string(mt.Descriptor().FullName()))
		return true
	})
	sort.Strings(known)
	messages := map[string][][]string{}
	enums := map[string][]string{}
	var visit func(md protoreflect.MessageDescriptor)
	visit = func(md protoreflect.MessageDescriptor) {
		name := string(md.FullName())
		if _, seen := messages[name]; seen || strings.HasPrefix(name, "google.protobuf.") {
			return
		}
		fields := [][]string{}
		messages[name] = fields
		for i := 0; i < md.Fields().Len(); i++ {
			fd := md.Fields().Get(i)
			label := ""
			target := fd
			if fd.IsMap() {
				label = "map"
				target = fd.MapValue()
			} else if fd.Cardinality() == protoreflect.Repeated {
				label = "repeated"
			}
			typeName := ""
			switch target.Kind() {
			case protoreflect.MessageKind, protoreflect.GroupKind:
				typeName = string(target.Message().FullName())
				visit(target.Message())
			case protoreflect.EnumKind:
				ed := target.Enum()
				typeName = string(ed.FullName())
				values := []string{}
				for j := 0; j < ed.Values().Len(); j++ {
					values = append(values, string(ed.Values().Get(j).Name()))
				}
				enums[typeName] = values
			}
			oneof := ""
			if od := fd.ContainingOneof(); od != nil && !od.IsSynthetic() {
				oneof = string(od.Name())
			}
			fields = append(fields, []string{string(fd.Name()), fd.JSONName(), target.Kind().String(), typeName, label, oneof})
		}
		messages[name] = fields
	}
	for _, root := range os.Args[1:] {
		mt, err := protoregistry.GlobalTypes.FindMessageByName(protoreflect.FullName(root))
		if err != nil {
			os.Stderr.WriteString("unknown root " + root + "\n")
			os.Exit(2)
		}
		visit(mt.Descriptor())
	}
	out := json.NewEncoder(os.Stdout)
	if err := out.Encode(map[string]any{"known": known, "messages": messages, "enums": enums}); err != nil {
		os.Exit(2)
	}
}
