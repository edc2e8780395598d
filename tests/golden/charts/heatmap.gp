# gpusim chart 'heatmap'.  Redraw with 'gnuplot heatmap.gp' run in this directory.
# Generated; every user string is single-quoted and escaped, datablocks hold numbers only.
if (!exists("gpusim_out_png")) gpusim_out_png = 'heatmap.png'
if (!exists("gpusim_out_svg")) gpusim_out_svg = 'heatmap.svg'
$d0 << EOD
0 0 1000000
1 0 952380.95238095231
2 0 909090.90909090906
3 0 869565.21739130444
0 1 952380.95238095231
1 1 999999.99999999988
2 1 1043478.2608695653
3 1 1083333.3333333335
0 2 909090.90909090906
1 2 1043478.2608695653
2 2 1166666.6666666667
3 2 NaN
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
set title 'Sweep: cost by tp and pp' font ',13'
set label 99 'demo scenario (sample data) | 2024-01-01T00:00:00Z' at screen 0.01, screen 0.02 left font ',9' tc rgb '#555555'
set bmargin 5
set xlabel 'parallel.tp'
set ylabel 'parallel.pp'
set palette defined (0 '#440154', 0.25 '#3B528B', 0.5 '#21918C', 0.75 '#5EC962', 1 '#FDE725')
unset key
unset grid
set tics scale 0
set xrange [-0.5:3.5]
set yrange [-0.5:2.5]
set style textbox opaque fc rgb '#ffffff' noborder
set xtics ('1' 0, '2' 1, '4' 2, '8' 3)
set ytics ('1' 0, '4' 1, '16' 2)
set cblabel 'cost (USD)'
plot $d0 using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder fc palette notitle, \
     $d0 using 1:2:(sprintf('%.4g', $3)) with labels boxed notitle
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
set title 'Sweep: cost by tp and pp' font ',13'
set label 99 'demo scenario (sample data) | 2024-01-01T00:00:00Z' at screen 0.01, screen 0.02 left font ',9' tc rgb '#555555'
set bmargin 5
set xlabel 'parallel.tp'
set ylabel 'parallel.pp'
set palette defined (0 '#440154', 0.25 '#3B528B', 0.5 '#21918C', 0.75 '#5EC962', 1 '#FDE725')
unset key
unset grid
set tics scale 0
set xrange [-0.5:3.5]
set yrange [-0.5:2.5]
set style textbox opaque fc rgb '#ffffff' noborder
set xtics ('1' 0, '2' 1, '4' 2, '8' 3)
set ytics ('1' 0, '4' 1, '16' 2)
set cblabel 'cost (USD)'
plot $d0 using 1:2:(0.5):(0.5):3 with boxxyerror fs solid 1.0 noborder fc palette notitle, \
     $d0 using 1:2:(sprintf('%.4g', $3)) with labels boxed notitle
unset output
