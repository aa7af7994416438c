package dataset

import (
	"context"
	"fmt"
	"os"
)

// Explicit resolves a path given for one kind of input (a command-line
// flag such as --vrps): a file is checked by content, a directory is
// discovered and its files of that kind are kept. A file whose content is
// recognised as another kind is an error, so that a VRP file given as
// --irr is not silently read as nothing; a file not recognised at all is
// taken as the kind given, and its reader will judge it.
func Explicit(ctx context.Context, kind Kind, path string) ([]File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		all, err := Discover(ctx, path)
		if err != nil {
			return nil, err
		}
		var out []File
		for _, f := range all {
			if f.Kind == kind {
				f.Pinned = true
				out = append(out, f)
			}
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("%s: no %s file in the directory", path, kind)
		}
		return out, nil
	}
	f, err := Identify(ctx, path)
	if err != nil {
		return nil, err
	}
	switch f.Kind {
	case kind:
	case KindUnknown:
		f.Kind = kind
	default:
		return nil, fmt.Errorf("%s: given as %s, but its content is %s", path, kind, f.Kind)
	}
	f.Pinned = true
	return []File{f}, nil
}
