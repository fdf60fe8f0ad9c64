package desk

import (
	"context"

	"tropa"
)

const settingOrgIdentity = "org_identity"

// OrgIdentity is how the organization presents itself to applicants; an
// identity never set is empty, and the pages then read the catalogs.
func (d *Desk) OrgIdentity(ctx context.Context) (tropa.OrgIdentity, error) {
	stored, err := d.setting(ctx, settingOrgIdentity)
	if err != nil {
		return tropa.OrgIdentity{}, err
	}
	return tropa.ParseOrgIdentity(stored)
}

// SetOrgIdentity sets the organization's name and promises, by language,
// for an administrator.
func (d *Desk) SetOrgIdentity(ctx context.Context, s *Session, o tropa.OrgIdentity) error {
	return d.changeSetting(ctx, s, settingOrgIdentity, "org_identity", func(string) (string, error) {
		return o.Marshal(), nil
	})
}
