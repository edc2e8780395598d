# gpusim chart 'validation'.  Redraw with 'gnuplot validation.gp' run in this directory.
# Generated; every user string is single-quoted and escaped, datablocks hold numbers only.
if (!exists("gpusim_out_png")) gpusim_out_png = 'validation.png'
if (!exists("gpusim_out_svg")) gpusim_out_svg = 'validation.svg'
$d0 << EOD
1.0000000000000001e-05 1.0000000000000001e-05
4.0000000000000003e-05 5.0097651817694761e-05
0.00016000000000000001 0.00020364627648763274
0.00064000000000000005 0.00066709504154749454
0.0025600000000000002 0.0019787756836035114
0.010240000000000001 0.0072941846282348396
0.040960000000000003 0.037526542358131604
0.16384000000000001 0.19613220530022593
EOD
$d1 << EOD
1.7e-05 1.7719712041105325e-05
6.7999999999999999e-05 5.2561229095718267e-05
0.000272 0.0001937517791874879
0.001088 0.00099679878138787055
0.004352 0.0052097617032872507
0.017408 0.022574824507165948
0.069631999999999999 0.078240990309306188
0.278528 0.23307046640786169
EOD

# ---- png ----
reset
set encoding utf8
set linetype 1 lc rgb '#0072B2' lw 2 pt 7 ps 1.2 dt 1
set linetype 2 lc rgb '#D55E00' lw 2 pt 9 ps 1.2 dt 1
set linetype 3 lc rgb '#009E73' lw 2 pt 11 ps 1.2 dt 1
set linetype 4 lc rgb '#E69F00' lw 2 pt 13 ps 1.2 dt 1
set linetype 5 lc rgb '#CC79A7' lw 2 pt 7 ps 1.2 dt 1
set linetype 6 lc rgb '#56B4E9' lw 2 pt 9 ps 1.2 dt 1
set linetype 7 lc rgb '#F0E442' lw 2 pt 11 ps 1.2 dt 1
set linetype 8 lc rgb '#000000' lw 2 pt 13 ps 1.2 dt 1
set linetype cycle 8
set grid lc rgb '#d9d9d9' lw 1 dt 1
set border lw 1 lc rgb '#404040'
set tics out nomirror
set key noenhanced top left box opaque samplen 2 spacing 1.1
set style fill solid 0.85 border lc rgb '#404040'
set datafile missing 'NaN'
set terminal pngcairo size 1000,600 noenhanced font 'sans,11' background '#ffffff'
set output gpusim_out_png
set title 'Predicted vs measured' font ',13'
set label 99 'demo scenario (sample data) | 2024-01-01T00:00:00Z' at screen 0.01, screen 0.02 left font ',9' tc rgb '#555555'
set bmargin 5
set xlabel 'measured time (s)'
set ylabel 'predicted time (s)'
set logscale xy
set format xy '%g'
set size ratio -1
set key outside right top
set samples 64
set xrange [5.0000000000000004e-06:0.557056]
set yrange [5.0000000000000004e-06:0.557056]
plot '+' using 1:($1*0.75):($1*1.25) with filledcurves fc rgb '#E69F00' fs transparent solid 0.18 noborder title '±25%', \
     '+' using 1:($1*0.9):($1*1.1) with filledcurves fc rgb '#009E73' fs transparent solid 0.25 noborder title '±10%', \
     x with lines lt 8 dt 2 lw 1 title 'y = x', \
     $d0 using 1:2 with points lt 1 title 'GEMM', \
     $d1 using 1:2 with points lt 2 title 'all-reduce'
unset output

# ---- svg ----
reset
set encoding utf8
set linetype 1 lc rgb '#0072B2' lw 2 pt 7 ps 1.2 dt 1
set linetype 2 lc rgb '#D55E00' lw 2 pt 9 ps 1.2 dt 1
set linetype 3 lc rgb '#009E73' lw 2 pt 11 ps 1.2 dt 1
set linetype 4 lc rgb '#E69F00' lw 2 pt 13 ps 1.2 dt 1
set linetype 5 lc rgb '#CC79A7' lw 2 pt 7 ps 1.2 dt 1
set linetype 6 lc rgb '#56B4E9' lw 2 pt 9 ps 1.2 dt 1
set linetype 7 lc rgb '#F0E442' lw 2 pt 11 ps 1.2 dt 1
set linetype 8 lc rgb '#000000' lw 2 pt 13 ps 1.2 dt 1
set linetype cycle 8
set grid lc rgb '#d9d9d9' lw 1 dt 1
set border lw 1 lc rgb '#404040'
set tics out nomirror
set key noenhanced top left box opaque samplen 2 spacing 1.1
set style fill solid 0.85 border lc rgb '#404040'
set datafile missing 'NaN'
set terminal svg size 1000,600 fixed noenhanced font 'sans,11' background '#ffffff'
set output gpusim_out_svg
set title 'Predicted vs measured' font ',13'
set label 99 'demo scenario (sample data) | 2024-01-01T00:00:00Z' at screen 0.01, screen 0.02 left font ',9' tc rgb '#555555'
set bmargin 5
set xlabel 'measured time (s)'
set ylabel 'predicted time (s)'
set logscale xy
set format xy '%g'
set size ratio -1
set key outside right top
set samples 64
set xrange [5.0000000000000004e-06:0.557056]
set yrange [5.0000000000000004e-06:0.557056]
plot '+' using 1:($1*0.75):($1*1.25) with filledcurves fc rgb '#E69F00' fs transparent solid 0.18 noborder title '±25%', \
     '+' using 1:($1*0.9):($1*1.1) with filledcurves fc rgb '#009E73' fs transparent solid 0.25 noborder title '±10%', \
     x with lines lt 8 dt 2 lw 1 title 'y = x', \
     $d0 using 1:2 with points lt 1 title 'GEMM', \
     $d1 using 1:2 with points lt 2 title 'all-reduce'
unset output
