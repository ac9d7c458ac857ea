from vcx.cli import main

main()
