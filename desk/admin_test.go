package desk_test

import (
	"context"
	"strings"
	"testing"

	"tropa"
	"tropa/desk"
	"tropa/seal"
	"tropa/store"
)

func TestInit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := store.OpenSQLite(ctx, t.TempDir())
	if err != nil {
		t.Fatalf("OpenSQLite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	d := desk.New(desk.Config{Store: db, KDF: seal.NewKDF(1), ReceiptParams: seal.TestParams, PasswordParams: seal.TestParams})

	if ok, err := d.Initialised(ctx); err != nil || ok {
		t.Fatalf("Initialised before Init = %v, %v; want false", ok, err)
	}
	if _, err := d.Submit(ctx, submission("contact", "message")); err == nil {
		t.Errorf("Submit before Init succeeded; there is no recovery key to wrap to")
	}
	secret, err := d.Init(ctx)
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	if _, err := seal.ParseIdentity(secret); err != nil {
		t.Errorf("Init printed %q, not a recovery key: %v", secret, err)
	}
	if ok, err := d.Initialised(ctx); err != nil || !ok {
		t.Errorf("Initialised after Init = %v, %v; want true", ok, err)
	}
	_, err = d.Init(ctx)
	wantError(t, "second Init", err, tropa.ECONFLICT, "ErrAlreadyInitialised")
}

func TestAddStaffValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	f.addStaff(t, "ivan", tropa.RoleCaseworker, true)

	tests := []struct {
		name        string
		staff       tropa.Staff
		password    string
		code, msgID string
	}{
		{"short password", tropa.Staff{Name: "olga", Role: tropa.RoleCaseworker}, strings.Repeat("я", desk.MinPasswordLen-1),
			tropa.EINVALID, "ErrPasswordShort"},
		{"no name", tropa.Staff{Role: tropa.RoleCaseworker}, password("x"), tropa.EINVALID, "ErrFieldRequired"},
		{"unknown role", tropa.Staff{Name: "olga", Role: "general"}, password("olga"), tropa.EINVALID, "ErrRoleInvalid"},
		{"analyst in intake", tropa.Staff{Name: "olga", Role: tropa.RoleAnalyst, Intake: true}, password("olga"),
			tropa.EINVALID, "ErrIntakeRole"},
		{"name taken", tropa.Staff{Name: "ivan", Role: tropa.RoleAdmin}, password("ivan2"), tropa.ECONFLICT, "ErrStaffExists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.desk.AddStaff(ctx, tt.staff, tt.password)
			wantError(t, "AddStaff", err, tt.code, tt.msgID)
		})
	}
	list, err := f.store.ListStaff(ctx)
	if err != nil || len(list) != 1 || list[0].Role != tropa.RoleCaseworker {
		t.Errorf("staff after refused additions = %+v, %v; want only ivan the caseworker", list, err)
	}
	if _, err := f.desk.AddStaff(ctx, tropa.Staff{Name: "olga", Role: tropa.RoleCaseworker},
		strings.Repeat("я", desk.MinPasswordLen)); err != nil {
		t.Errorf("AddStaff with the shortest password allowed: %v", err)
	}
}
