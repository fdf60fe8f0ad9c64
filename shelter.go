package tropa

import (
	"context"
	"time"
)

// Shelter is a place where people who got out may sleep: the
// organization's, or a volunteer's flat. Its name, address and contact are
// among the most dangerous facts tropa keeps, and are sealed under the
// shelter's own key, which only the staff it was granted to hold.
type Shelter struct {
	ID  string
	Ref string
	// Beds is how many people can sleep there on one night.
	Beds    int
	Name    string
	Address string
	Contact string
}

// ShelterRecord is a shelter as stored: its beds and reference in clear,
// the rest sealed under its key.
type ShelterRecord struct {
	ID            string
	Ref           string
	Beds          int
	SealedName    []byte
	SealedAddress []byte
	SealedContact []byte
	// RecoveryWrap is the shelter key wrapped to the recovery key.
	RecoveryWrap []byte
	CreatedAt    time.Time
}

// ShelterKey is a shelter's key wrapped to one staff member.
type ShelterKey struct {
	ShelterID string
	StaffID   string
	Wrapped   []byte
	GrantedBy string
}

// StayState is where a stay is: booked (coming or going on), ended early,
// or cancelled. A cancelled stay holds no bed.
type StayState string

const (
	StayBooked    StayState = "booked"
	StayEnded     StayState = "ended"
	StayCancelled StayState = "cancelled"
)

// Stay is a case's booking of beds in a shelter from the night of First to
// the morning of End: First and End are UTC days (Day), End after First.
// All of it is in clear, since counting free beds needs it without a key.
type Stay struct {
	ID        string
	ShelterID string
	RequestID string
	First     time.Time
	End       time.Time
	Beds      int
	State     StayState
	CreatedAt time.Time
}

// Nights is how many nights the stay lasts.
func (s Stay) Nights() int { return int(s.End.Sub(s.First) / (24 * time.Hour)) }

// Holds reports whether the stay holds its beds on the night of day.
func (s Stay) Holds(day time.Time) bool {
	return s.State != StayCancelled && !day.Before(s.First) && day.Before(s.End)
}

// MaxShelterBeds bounds a shelter's beds: a flat or a hostel, not a town.
const MaxShelterBeds = 500

// MaxStayNights bounds one booking; a longer stay is extended.
const MaxStayNights = 366

// ShelterStore keeps shelters, their keys and their stays.
type ShelterStore interface {
	// CreateShelter stores a shelter with its first keys.
	CreateShelter(ctx context.Context, s *ShelterRecord, keys []ShelterKey, ev AuditEvent) error
	// GrantShelter stores a shelter key for one more staff member.
	GrantShelter(ctx context.Context, k ShelterKey, ev AuditEvent) error
	// Shelters returns the shelters staffID holds a key to, with it.
	Shelters(ctx context.Context, staffID string) ([]ShelterRecord, []ShelterKey, error)
	// ShelterStays returns the stays of a shelter that hold beds on a
	// night from first (a day) on.
	ShelterStays(ctx context.Context, shelterID string, first time.Time) ([]Stay, error)
	// Stays returns a case's stays, earliest first.
	Stays(ctx context.Context, requestID string) ([]Stay, error)
	// RewrapShelterKeys replaces the wraps of a staff member's shelter
	// keys, after their key pair was replaced.
	RewrapShelterKeys(ctx context.Context, keys []ShelterKey) error
	// ShelterRefs maps every shelter's id to its reference.
	ShelterRefs(ctx context.Context) (map[string]string, error)
}

// Overbooked reports whether s, beside the other stays of its shelter,
// would hold more than beds on some night.
func Overbooked(beds int, s Stay, others []Stay) bool {
	for day := s.First; day.Before(s.End); day = day.AddDate(0, 0, 1) {
		taken := s.Beds
		for _, o := range others {
			if o.Holds(day) {
				taken += o.Beds
			}
		}
		if taken > beds {
			return true
		}
	}
	return false
}

// FreeBeds returns the free beds of a shelter with beds on each of the
// days nights from first on, given its stays.
func FreeBeds(beds int, stays []Stay, first time.Time, nights int) []int {
	free := make([]int, nights)
	for i := range free {
		day := first.AddDate(0, 0, i)
		free[i] = beds
		for _, s := range stays {
			if s.Holds(day) {
				free[i] -= s.Beds
			}
		}
	}
	return free
}
