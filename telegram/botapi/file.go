package botapi

import (
	"context"
	"fmt"
	"io"
	"net/http"
)

// File is a file Telegram holds, ready to download.
type File struct {
	FileID   string `json:"file_id"`
	FileSize int64  `json:"file_size,omitempty"`
	// FilePath is where Download finds it, valid for an hour.
	FilePath string `json:"file_path,omitempty"`
}

// GetFile asks Telegram where the file fileID can be downloaded. Telegram
// refuses files over 20 MB with ErrBadRequest.
func (c *Client) GetFile(ctx context.Context, fileID string) (File, error) {
	var f File
	err := c.call(ctx, "getFile", struct {
		FileID string `json:"file_id"`
	}{fileID}, &f)
	return f, err
}

// Download reads the file f at most limit bytes long. A file over the
// limit is refused with ErrTooLarge, before it is downloaded when Telegram
// gave its size, after limit bytes when it did not.
func (c *Client) Download(ctx context.Context, f File, limit int64) ([]byte, error) {
	if f.FileSize > limit {
		return nil, fmt.Errorf("botapi download: %d bytes over %d: %w", f.FileSize, limit, ErrTooLarge)
	}
	if f.FilePath == "" {
		return nil, fmt.Errorf("botapi download: %w: no file path", ErrBadRequest)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/file/bot"+c.token+"/"+f.FilePath, nil)
	if err != nil {
		return nil, c.transportError(ctx, "download", err)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, c.transportError(ctx, "download", err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return nil, &Error{Method: "download", Code: resp.StatusCode, Description: "Unauthorized"}
	case resp.StatusCode >= 500:
		return nil, &unreachableError{msg: fmt.Sprintf("botapi download: Telegram unreachable: HTTP %d", resp.StatusCode), cause: fmt.Errorf("HTTP %d", resp.StatusCode)}
	case resp.StatusCode != http.StatusOK:
		// A 404 here is a file path that expired, not a token refused.
		return nil, fmt.Errorf("botapi download: HTTP %d: %w", resp.StatusCode, ErrBadRequest)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, c.transportError(ctx, "download", err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("botapi download: over %d bytes: %w", limit, ErrTooLarge)
	}
	return data, nil
}
