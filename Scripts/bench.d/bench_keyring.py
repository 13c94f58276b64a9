"""A keyring backend for jrnl in benchmarks: the journal password comes from $JRNL_BENCH_PASSWORD, so
jrnl runs unattended without a prompt (selected with PYTHON_KEYRING_BACKEND=bench_keyring.EnvKeyring)."""
import os

from keyring.backend import KeyringBackend


class EnvKeyring(KeyringBackend):
    priority = 1

    def get_password(self, service, username):
        return os.environ.get("JRNL_BENCH_PASSWORD")

    def set_password(self, service, username, password):
        pass

    def delete_password(self, service, username):
        pass
