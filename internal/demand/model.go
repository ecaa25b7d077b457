// Package demand is employer demand: what approved companies say they
// need (a track and level, skills, a region, a headcount, a date), the
// graduates of the pool who match it ranked by fit (score.go), the
// announcement of each new match to the company once, the hires that fill
// a demand, and the operators' gap report per track and level.
package demand

import (
	"time"

	"github.com/skillgrid/skillgrid/internal/pool"
)

// Demand statuses.
const (
	Open   = "open"
	Closed = "closed"
)

// Demand is a company's demand as the API shows it.
type Demand struct {
	ID          string     `json:"id"`
	CompanyID   string     `json:"company_id"`
	CompanyName string     `json:"company_name"`
	Title       string     `json:"title"`
	Track       string     `json:"track"`
	MinLevel    int        `json:"min_level"`
	Skills      []string   `json:"skills"`
	Headcount   int        `json:"headcount"`
	Filled      int        `json:"filled"`
	Region      *string    `json:"region"`
	NeededBy    string     `json:"needed_by"`
	Description string     `json:"description"`
	Status      string     `json:"status"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	ClosedAt    *time.Time `json:"closed_at"`
}

// NewDemand is what a company gives to post a demand.
type NewDemand struct {
	Title       string
	Track       string
	MinLevel    int
	Skills      []string
	Headcount   int
	Region      string
	NeededBy    string // YYYY-MM-DD
	Description string
}

// Patch changes a demand; nil fields keep their value.
type Patch struct {
	Title       *string
	Track       *string
	MinLevel    *int
	Skills      *[]string
	Headcount   *int
	Region      *string
	NeededBy    *string
	Description *string
}

// Match is a graduate who matches a demand: their pool entry (never their
// email or phone), their fit score and the factors that add up to it.
type Match struct {
	pool.Graduate
	Score   int     `json:"score"`
	Factors Factors `json:"factors"`
}

// Filter narrows a list of demands; zero values do not filter.
type Filter struct {
	Status string
}
