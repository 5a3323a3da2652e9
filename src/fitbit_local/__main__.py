from fitbit_local.cli import main

raise SystemExit(main())
