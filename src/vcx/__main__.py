from vcx.cli import console_entry

console_entry()
