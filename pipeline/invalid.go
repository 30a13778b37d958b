package pipeline

import "errors"

// ErrInvalid is wrapped by the error of a job whose options are impossible
// or contradictory (a caller's mistake, not a failure of the job): the HTTP
// server answers it with 400.
var ErrInvalid = errors.New("invalid options")

// invalid marks err as ErrInvalid, keeping its message.
func invalid(err error) error {
	if err == nil {
		return nil
	}
	return invalidError{err}
}

type invalidError struct{ error }

func (e invalidError) Unwrap() error        { return e.error }
func (e invalidError) Is(target error) bool { return target == ErrInvalid }
