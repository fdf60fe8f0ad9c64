package desk

import (
	"context"

	"tropa"
)

// Published series are public figures by others, which name no one the
// organization helps: staff who may read figures import, read and delete
// them, and tropa's command line does, run beside the database, as
// tropa stats counts. Nothing about them is sealed.

// ImportSeries stores a published series for a staff member whose role
// may read figures; a series of the same name is replaced only with
// replace, else the import fails with ECONFLICT.
func (d *Desk) ImportSeries(ctx context.Context, s *Session, in *tropa.Series, replace bool) error {
	if err := require(s, tropa.PermStats); err != nil {
		return err
	}
	return d.putSeries(ctx, s.Staff.ID, in, replace)
}

// LocalImportSeries stores a published series for tropa series import.
func (d *Desk) LocalImportSeries(ctx context.Context, in *tropa.Series, replace bool) error {
	return d.putSeries(ctx, ActorCLI, in, replace)
}

func (d *Desk) putSeries(ctx context.Context, actor string, in *tropa.Series, replace bool) error {
	now := d.now()
	if err := in.Validate(now); err != nil {
		return err
	}
	in.ID, in.ImportedAt = tropa.NewID(), now
	err := d.cfg.Store.PutSeries(ctx, in, replace, tropa.AuditEvent{At: now, Actor: actor,
		Action: tropa.ActionSeriesImport, Detail: in.Name})
	if tropa.IsCode(err, tropa.ECONFLICT) {
		return tropa.UserError(tropa.ECONFLICT, "ErrSeriesExists", map[string]any{"Name": in.Name})
	}
	return err
}

// ListSeries lists the published series, by name, for a staff member whose
// role may read figures.
func (d *Desk) ListSeries(ctx context.Context, s *Session) ([]tropa.Series, error) {
	if err := require(s, tropa.PermStats); err != nil {
		return nil, err
	}
	return d.cfg.Store.ListSeries(ctx)
}

// LocalListSeries lists the published series for tropa series list.
func (d *Desk) LocalListSeries(ctx context.Context) ([]tropa.Series, error) {
	return d.cfg.Store.ListSeries(ctx)
}

// Series returns the published series named name for a staff member whose
// role may read figures.
func (d *Desk) Series(ctx context.Context, s *Session, name string) (*tropa.Series, error) {
	if err := require(s, tropa.PermStats); err != nil {
		return nil, err
	}
	return d.LocalSeries(ctx, name)
}

// LocalSeries returns the published series named name for tropa stats.
func (d *Desk) LocalSeries(ctx context.Context, name string) (*tropa.Series, error) {
	got, err := d.cfg.Store.SeriesByName(ctx, name)
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return nil, seriesUnknown(name)
	}
	return got, err
}

// DeleteSeries deletes a published series for a staff member whose role
// may read figures.
func (d *Desk) DeleteSeries(ctx context.Context, s *Session, name string) error {
	if err := require(s, tropa.PermStats); err != nil {
		return err
	}
	return d.deleteSeries(ctx, s.Staff.ID, name)
}

// LocalDeleteSeries deletes a published series for tropa series delete.
func (d *Desk) LocalDeleteSeries(ctx context.Context, name string) error {
	return d.deleteSeries(ctx, ActorCLI, name)
}

func (d *Desk) deleteSeries(ctx context.Context, actor, name string) error {
	err := d.cfg.Store.DeleteSeries(ctx, name, tropa.AuditEvent{At: d.now(), Actor: actor,
		Action: tropa.ActionSeriesDelete, Detail: name})
	if tropa.IsCode(err, tropa.ENOTFOUND) {
		return seriesUnknown(name)
	}
	return err
}

func seriesUnknown(name string) error {
	return tropa.UserError(tropa.ENOTFOUND, "ErrSeriesUnknown", map[string]any{"Name": name})
}
