package verifyemulator

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// CacheFolder is where release tarballs are unpacked, one folder per tarball's SHA-256:
// VERIFY_EMULATOR_CACHE, else $XDG_CACHE_HOME/verify-emulator, else ~/.cache/verify-emulator.
func CacheFolder() string {
	if folder := os.Getenv("VERIFY_EMULATOR_CACHE"); folder != "" {
		return folder
	}
	if folder := os.Getenv("XDG_CACHE_HOME"); folder != "" {
		return filepath.Join(folder, "verify-emulator")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "verify-emulator")
}

func readSource(ctx context.Context, source, what string) ([]byte, error) {
	if strings.HasPrefix(source, "http://") || strings.HasPrefix(source, "https://") {
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		request, err := http.NewRequestWithContext(ctx, http.MethodGet, source, nil)
		if err != nil {
			return nil, failf("cannot download %s %s: %v", what, source, err)
		}
		response, err := http.DefaultClient.Do(request)
		if err != nil {
			return nil, failf("cannot download %s %s: %v", what, source, err)
		}
		defer response.Body.Close()
		if response.StatusCode != http.StatusOK {
			return nil, failf("cannot download %s %s: HTTP %d", what, source, response.StatusCode)
		}
		return io.ReadAll(response.Body)
	}
	data, err := os.ReadFile(source)
	if err != nil {
		var pathError *os.PathError
		if errors.As(err, &pathError) {
			err = pathError.Err
		}
		return nil, failf("cannot read %s %s: %v", what, source, err)
	}
	return data, nil
}

// UnpackRelease checks the release tarball at source (a path or URL) against the .sha256 file
// beside it, unpacks it in CacheFolder (once: a tarball unpacked before is reused) and returns
// the verify-emulator binary inside.
func UnpackRelease(ctx context.Context, source string) (string, error) {
	tarball, err := readSource(ctx, source, "the release tarball")
	if err != nil {
		return "", err
	}
	sum, err := readSource(ctx, source+".sha256", "the release checksum")
	if err != nil {
		return "", err
	}
	fields := strings.Fields(string(sum))
	digest := sha256.Sum256(tarball)
	actual := hex.EncodeToString(digest[:])
	if len(fields) == 0 || fields[0] != actual {
		expected := ""
		if len(fields) > 0 {
			expected = fields[0]
		}
		return "", failf("the release tarball %s does not match its .sha256 (%s): its SHA-256 is %s", source, expected, actual)
	}
	folder := filepath.Join(CacheFolder(), actual)
	if binary := binaryIn(folder); binary != "" {
		return binary, nil
	}
	if err := os.MkdirAll(CacheFolder(), 0o755); err != nil {
		return "", failf("cannot make the cache folder %s: %v", CacheFolder(), err)
	}
	staging, err := os.MkdirTemp(CacheFolder(), ".unpacking-")
	if err != nil {
		return "", failf("cannot unpack in %s: %v", CacheFolder(), err)
	}
	defer os.RemoveAll(staging)
	if err := untar(tarball, staging); err != nil {
		return "", failf("cannot unpack the release tarball %s: %v", source, err)
	}
	// another process may have unpacked the same tarball first: its copy is as good
	if err := os.Rename(staging, folder); err != nil && binaryIn(folder) == "" {
		return "", failf("cannot unpack the release tarball %s: %v", source, err)
	}
	if binary := binaryIn(folder); binary != "" {
		return binary, nil
	}
	return "", failf("the release tarball %s holds no bin/verify-emulator", source)
}

func binaryIn(folder string) string {
	entries, err := os.ReadDir(folder)
	if err != nil {
		return ""
	}
	for _, entry := range entries {
		candidate := filepath.Join(folder, entry.Name(), "bin", "verify-emulator")
		if isExecutable(candidate) {
			return candidate
		}
	}
	return ""
}

// untar writes the gzip'd tar's regular files and folders under target, refusing any path that
// would leave it.
func untar(data []byte, target string) error {
	unzipped, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return err
	}
	archive := tar.NewReader(unzipped)
	for {
		header, err := archive.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		path := filepath.Join(target, header.Name)
		if !strings.HasPrefix(path, filepath.Clean(target)+string(os.PathSeparator)) {
			return fmt.Errorf("%s leaves the folder", header.Name)
		}
		switch header.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(path, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return err
			}
			file, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(header.Mode)&0o755|0o600)
			if err != nil {
				return err
			}
			_, copyErr := io.Copy(file, archive)
			closeErr := file.Close()
			if copyErr != nil {
				return copyErr
			}
			if closeErr != nil {
				return closeErr
			}
		}
	}
}
