package locale_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"tropa"
	"tropa/desk"
	"tropa/locale"
	"tropa/official"
)

// The catalogs are checked against everything in the module that names a
// message: the web's templates and every Go file, whichever channel or
// command it belongs to.

// templateDir holds the web's page templates.
const templateDir = "../web/templates"

var (
	templateIDRe     = regexp.MustCompile(`\.T\s+"([^"]*)"`)
	templatePrefixRe = regexp.MustCompile(`\.T\s+\(\s*printf\s+"([^"%]*)%[sv]"`)
	literalIDRe      = regexp.MustCompile(`^(Err[A-Z]\w*|Notice\w+)$`)
)

// dynamicPrefixes are the id prefixes that templates and Go code complete at
// run time; TestCatalogDynamicIDs checks every completion.
var dynamicPrefixes = []string{"Kind_", "Situation_", "Role_", "Channel_", "Err_", "Field_",
	"Access_", "DeadlineKind_", "Disposition_", "DocStatus_", "Type_", "StaffKind_", "Caller_",
	"StayState_", "History_stay_", "StatsStays_",
	"Procedure_", "Decision_", "LegalStep_",
	"MeetingState_", "MeetingTo_", "MeetingDetail_", "ChannelKind_",
	"Delivery_"}

// templateIDs returns the message ids the templates name literally, each with
// the file it was first found in, and the prefixes they complete with printf.
func templateIDs(t *testing.T) (ids map[string]string, prefixes map[string]string) {
	t.Helper()
	ids, prefixes = make(map[string]string), make(map[string]string)
	n := 0
	err := filepath.WalkDir(templateDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".html" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		for _, m := range templateIDRe.FindAllStringSubmatch(string(data), -1) {
			if _, ok := ids[m[1]]; !ok {
				ids[m[1]] = p
			}
		}
		for _, m := range templatePrefixRe.FindAllStringSubmatch(string(data), -1) {
			if _, ok := prefixes[m[1]]; !ok {
				prefixes[m[1]] = p
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 || len(ids) == 0 {
		t.Fatalf("found %d templates and %d message ids under %s: the walk is broken", n, len(ids), templateDir)
	}
	return ids, prefixes
}

// goSources lists the module's non-test Go files, from the module root one
// level up.
func goSources(t *testing.T) []string {
	t.Helper()
	root := ".."
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root: %v", err)
	}
	var files []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			name := d.Name()
			if p != root && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "vendor") {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); p != root && err == nil {
				return filepath.SkipDir // another module
			}
			return nil
		}
		if strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// goIDs are the catalog ids that Go code names.
type goIDs struct {
	ids    map[string]string // id → where it was first seen
	fields map[string]string // {{.Field}} values → where
}

func (g *goIDs) add(m map[string]string, id string, pos token.Position) {
	if _, ok := m[id]; !ok {
		m[id] = pos.String()
	}
}

// scanGo finds the catalog ids in the module's Go code: string literals that
// look like ids (Err…, Notice…), literal ids passed to T, Text and UserError
// or set as MessageID, and the literal field names given to ValidateText or
// put under "Field" in an error's data.
func scanGo(t *testing.T) goIDs {
	t.Helper()
	g := goIDs{ids: make(map[string]string), fields: make(map[string]string)}
	fset := token.NewFileSet()
	files := goSources(t)
	if len(files) == 0 {
		t.Fatal("no Go files found in the module")
	}
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Errorf("parse: %v", err)
			continue
		}
		lit := func(e ast.Expr) (string, bool) {
			bl, ok := e.(*ast.BasicLit)
			if !ok || bl.Kind != token.STRING {
				return "", false
			}
			s, err := strconv.Unquote(bl.Value)
			return s, err == nil
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.BasicLit:
				if s, ok := lit(n); ok && literalIDRe.MatchString(s) {
					g.add(g.ids, s, fset.Position(n.Pos()))
				}
			case *ast.CallExpr:
				var fn string
				switch f := n.Fun.(type) {
				case *ast.Ident:
					fn = f.Name
				case *ast.SelectorExpr:
					fn = f.Sel.Name
				}
				arg := func(i int) (string, bool) {
					if i >= len(n.Args) {
						return "", false
					}
					return lit(n.Args[i])
				}
				switch fn {
				case "T", "Text":
					if s, ok := arg(0); ok {
						g.add(g.ids, s, fset.Position(n.Pos()))
					}
				case "UserError":
					if s, ok := arg(1); ok {
						g.add(g.ids, s, fset.Position(n.Pos()))
					}
				case "ValidateText":
					if s, ok := arg(1); ok {
						g.add(g.fields, s, fset.Position(n.Pos()))
					}
				}
			case *ast.KeyValueExpr:
				s, ok := lit(n.Value)
				if !ok {
					break
				}
				// The struct field tropa.Error.MessageID, and the map key
				// "Field" of an error's data (not a struct field Field, such
				// as seal.AAD's, which names a column).
				if id, ok := n.Key.(*ast.Ident); ok && id.Name == "MessageID" {
					g.add(g.ids, s, fset.Position(n.Pos()))
				}
				if k, ok := lit(n.Key); ok && k == "Field" {
					g.add(g.fields, s, fset.Position(n.Pos()))
				}
			}
			return true
		})
	}
	return g
}

func TestCatalogHasUsedIDs(t *testing.T) {
	en := locale.ReadCatalog(t, "en")
	ids, prefixes := templateIDs(t)
	for _, id := range sortedKeys(ids) {
		if _, ok := en[id]; !ok {
			t.Errorf("%s uses %q, which en.json lacks", ids[id], id)
		}
	}
	for _, p := range sortedKeys(prefixes) {
		if !slices.Contains(dynamicPrefixes, p) {
			t.Errorf("%s builds ids %q+…, which no test checks: add it to dynamicPrefixes and TestCatalogDynamicIDs", prefixes[p], p)
		}
	}
	g := scanGo(t)
	if len(g.ids) == 0 {
		t.Fatal("found no catalog ids in the Go code: the scan is broken")
	}
	for _, id := range sortedKeys(g.ids) {
		if _, ok := en[id]; !ok {
			t.Errorf("%s uses %q, which en.json lacks", g.ids[id], id)
		}
	}
}

// errorCodes reads the error code constants from ../error.go.
func errorCodes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("..", "error.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if !strings.HasPrefix(name.Name, "E") || i >= len(vs.Values) {
					continue
				}
				if bl, ok := vs.Values[i].(*ast.BasicLit); ok && bl.Kind == token.STRING {
					s, err := strconv.Unquote(bl.Value)
					if err == nil {
						codes = append(codes, s)
					}
				}
			}
		}
	}
	return codes
}

func TestCatalogDynamicIDs(t *testing.T) {
	en := locale.ReadCatalog(t, "en")
	want := make(map[string]string) // id → why
	for _, k := range tropa.Kinds {
		want["Kind_"+string(k)] = "tropa.Kinds"
		want["StaffKind_"+string(k)] = "tropa.Kinds, as staff read them"
	}
	for _, s := range tropa.Situations {
		want["Situation_"+string(s)] = "tropa.Situations"
	}
	for _, r := range tropa.Roles {
		want["Role_"+string(r)] = "tropa.Roles"
	}
	for _, c := range tropa.Channels {
		want["Channel_"+string(c)] = "tropa.Channels"
	}
	for _, a := range []string{tropa.AccessIntake, tropa.AccessOwner, tropa.AccessReferral, tropa.AccessEntered, tropa.AccessCall} {
		want["Access_"+a] = "tropa access reasons"
	}
	for _, k := range []tropa.DeadlineKind{tropa.DeadlineWanted, tropa.DeadlineTask, tropa.DeadlineMeeting} {
		want["DeadlineKind_"+string(k)] = "tropa deadline kinds"
	}
	for _, c := range tropa.Callers {
		want["Caller_"+string(c)] = "tropa.Callers"
	}
	for _, d := range tropa.Dispositions {
		want["Disposition_"+string(d)] = "tropa.Dispositions"
	}
	want["DeadlineKind_"+string(tropa.DeadlineLegal)] = "tropa deadline kinds"
	for _, p := range tropa.Procedures {
		want["Procedure_"+string(p)] = "tropa.Procedures"
	}
	for _, d := range tropa.Decisions {
		want["Decision_"+string(d)] = "tropa.Decisions"
	}
	for _, k := range tropa.StepKinds {
		want["LegalStep_"+string(k)] = "tropa.StepKinds"
	}
	for _, k := range official.Kinds {
		want["ChannelKind_"+string(k)] = "official.Kinds"
	}
	for _, d := range []tropa.Delivery{tropa.DeliveryPending, tropa.DeliverySent, tropa.DeliveryBlocked} {
		want["Delivery_"+string(d)] = "tropa delivery states but none"
	}
	for _, st := range tropa.MeetingStates {
		want["MeetingState_"+string(st)] = "tropa.MeetingStates"
		if st != tropa.MeetingProposed {
			want["MeetingTo_"+string(st)] = "tropa.MeetingStates"
		}
	}
	for _, d := range tropa.MeetingDetails {
		want["MeetingDetail_"+string(d)] = "tropa.MeetingDetails"
	}
	for _, st := range tropa.DocumentStatuses {
		want["DocStatus_"+string(st)] = "tropa.DocumentStatuses"
	}
	for _, typ := range tropa.AttachmentTypes {
		want["Type_"+typ] = "tropa.AttachmentTypes"
	}
	for _, st := range []tropa.StayState{tropa.StayBooked, tropa.StayEnded, tropa.StayCancelled} {
		want["StayState_"+string(st)] = "tropa stay states"
	}
	for _, c := range []string{string(tropa.StayBooked), string(desk.StayExtend), string(desk.StayEndToday), string(desk.StayCancel)} {
		want["History_stay_"+c] = "stay changes in a case's history"
	}
	for _, k := range []string{"begun", "nights"} {
		want["StatsStays_"+k] = "stay figures"
	}
	// Built-in terms are named by the catalogs unless renamed.
	def := tropa.DefaultVocabulary()
	for prefix, terms := range map[string][]tropa.Term{"Stage_": def.Stages, "Outcome_": def.Outcomes, "Document_": def.Documents} {
		for _, term := range terms {
			want[prefix+term.Key] = "tropa.DefaultVocabulary"
		}
	}
	codes := errorCodes(t)
	for _, c := range []string{tropa.ECONFLICT, tropa.EFORBIDDEN, tropa.EINTERNAL, tropa.EINVALID, tropa.ENOTFOUND,
		tropa.ETOOLARGE, tropa.EUNAUTHORIZED, tropa.EBUSY, tropa.ERATELIMIT, tropa.EUNAVAILABLE} {
		if !slices.Contains(codes, c) {
			t.Errorf("error code %q not found among the constants of error.go %v: the parse is broken", c, codes)
		}
	}
	for _, c := range codes {
		want["Err_"+c] = "error code in error.go"
	}
	for _, f := range []string{"contact", "message", "name"} {
		want["Field_"+f] = "field name"
	}
	g := scanGo(t)
	for f, where := range g.fields {
		want["Field_"+f] = "field name at " + where
	}
	for _, id := range sortedKeys(want) {
		if _, ok := en[id]; !ok {
			t.Errorf("en.json lacks %q (%s)", id, want[id])
		}
	}
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}
