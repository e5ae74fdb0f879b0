from prodtui.cli import main

raise SystemExit(main())
