package pool

import (
	"time"

	"github.com/uptrace/bun"
)

// WalkQuerySQL is the SQL of the search's walk for f above floor.
func WalkQuerySQL(idb bun.IDB, f Filter, floor time.Time, limit int) string {
	return walkQuery(idb, f, nil, &floor, limit).String()
}

// UsersQuerySQL is the SQL of the search's users' side for f below floor.
func UsersQuerySQL(idb bun.IDB, f Filter, floor time.Time, limit int) string {
	return usersQuery(idb, f, nil, floor, limit).String()
}
