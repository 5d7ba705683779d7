from kmsemu.cli import main

raise SystemExit(main())
